// name: neighbourhood
// description: One ring of the subgraph around an entity: the neighbours of the frontier nodes not yet seen (the caller repeats it per depth and caps the size).
// params: frontier=[] seen=[] limit=100
MATCH (a)-[r]-(b)
WHERE elementId(a) IN $frontier AND NOT elementId(b) IN $seen
  AND NOT b:Source AND NOT b:BuildLock
WITH DISTINCT b
ORDER BY elementId(b)
LIMIT $limit
RETURN elementId(b) AS element_id
