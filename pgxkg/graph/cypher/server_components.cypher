// The server's version and edition (answers while the server is up, whatever the data).
CALL dbms.components() YIELD name, versions, edition
RETURN name, versions[0] AS version, edition
