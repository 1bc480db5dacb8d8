// The same counts by scanning, for servers that refuse db.stats.retrieve.
CALL () {
  MATCH (n) UNWIND labels(n) AS label
  WITH label, count(*) AS n
  RETURN collect([label, n]) AS nodes
}
CALL () {
  MATCH ()-[r]->()
  WITH type(r) AS type, count(*) AS n
  RETURN collect([type, n]) AS relationships
}
RETURN nodes, relationships
