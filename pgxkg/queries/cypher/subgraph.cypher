// name: subgraph
// description: Nodes with their properties and the relationships among them, for a list of element ids.
// params: elements=[]
// (Collecting the nodes first and listing them after the CALL: a list comprehension over
// `members` after the subquery trips a Neo4j 5.26 planner error.)
UNWIND $elements AS element
MATCH (n) WHERE elementId(n) = element
WITH collect(n) AS members
CALL (members) {
  UNWIND members AS a
  MATCH (a)-[r]->(b) WHERE b IN members
  RETURN collect({element_id: elementId(r), type: type(r), start: elementId(a), end: elementId(b),
                  properties: properties(r)}) AS relationships
}
UNWIND members AS n
WITH relationships, collect({element_id: elementId(n), label: labels(n)[0],
       key: coalesce(n.id, n.symbol, n.code, n.pmid), name: coalesce(n.name, n.symbol, n.id),
       properties: properties(n)}) AS nodes
RETURN nodes, relationships
