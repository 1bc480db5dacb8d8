"""Neo4j: connection, schema declaration, and the embedded local server."""
