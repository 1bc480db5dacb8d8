// name: entity_summary
// description: One node with its neighbours grouped by relationship type, direction and label (counts plus a sample).
// params: element=4:abc:0 sample=5
MATCH (n) WHERE elementId(n) = $element
CALL (n) {
  MATCH (n)-[r]-(m)
  WHERE NOT m:Source AND NOT m:BuildLock
  WITH type(r) AS type, CASE WHEN startNode(r) = n THEN 'out' ELSE 'in' END AS direction,
       labels(m)[0] AS label, m
  ORDER BY coalesce(m.name, m.symbol, m.id)
  WITH type, direction, label, count(m) AS count,
       collect(coalesce(m.id, m.symbol, m.code, m.pmid))[0..$sample] AS sample
  RETURN collect({type: type, direction: direction, label: label, count: count, sample: sample})
    AS neighbours
}
RETURN labels(n)[0] AS label, properties(n) AS properties, neighbours
