// name: export_property_keys
// description: Which property names each node label and relationship type uses (the table columns of a full export).
CALL () {
  MATCH (n) UNWIND keys(n) AS k RETURN DISTINCT 'node' AS scope, labels(n)[0] AS name, k
  UNION
  MATCH ()-[r]->() UNWIND keys(r) AS k RETURN DISTINCT 'edge' AS scope, type(r) AS name, k
}
RETURN scope, name, collect(k) AS keys
