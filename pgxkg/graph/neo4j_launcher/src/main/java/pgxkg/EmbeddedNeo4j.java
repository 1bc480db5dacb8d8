package pgxkg;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.kernel.internal.Version;

/**
 * A real Neo4j community DBMS with its Bolt connector, bound to one address.
 *
 * Usage: EmbeddedNeo4j HOME HOST PORT PASSWORD_FILE [TX_TIMEOUT_SECONDS]
 * Auth is on; the neo4j user's password is set from PASSWORD_FILE at every
 * start so the file stays the single source of truth. Stops cleanly on SIGTERM.
 */
public final class EmbeddedNeo4j {
    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: EmbeddedNeo4j HOME HOST PORT PASSWORD_FILE [TX_TIMEOUT_SECONDS]");
            System.exit(2);
        }
        Path home = Path.of(args[0]);
        String host = args[1];
        int port = Integer.parseInt(args[2]);
        String password = Files.readString(Path.of(args[3])).strip();
        long txTimeout = args.length > 4 ? Long.parseLong(args[4]) : 0;

        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home)
            .setConfig(GraphDatabaseSettings.auth_enabled, true)
            .setConfig(BoltConnector.enabled, true)
            .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
            .setConfig(BoltConnector.advertised_address, new SocketAddress(host, port))
            .setConfig(GraphDatabaseSettings.pagecache_memory, 512L * 1024 * 1024);
        if (txTimeout > 0) {
            builder.setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofSeconds(txTimeout));
        }
        DatabaseManagementService service = builder.build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("pgxkg-embedded: shutting down");
            service.shutdown();
            System.out.println("pgxkg-embedded: stopped");
        }));
        try {
            service.database("system").executeTransactionally(
                "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                Map.of("password", password));
        } catch (org.neo4j.graphdb.QueryExecutionException e) {
            // a restart with the password already set: Neo4j refuses to "change" it to itself
            if (!String.valueOf(e.getMessage()).contains("cannot be the same")) {
                throw e;
            }
        }
        System.out.println("pgxkg-embedded: Neo4j " + Version.getNeo4jVersion()
            + " listening on bolt://" + host + ":" + port);
        Thread.currentThread().join();
    }
}
