// name: export_member_relationships
// description: The relationships among the nodes with these element ids.
// params: elements=[]
UNWIND $elements AS element
MATCH (a)-[r]->(b) WHERE elementId(a) = element AND elementId(b) IN $elements
RETURN labels(a)[0] AS start_label, coalesce(a.id, a.symbol, a.code, toString(a.pmid)) AS start_key,
       type(r) AS type,
       labels(b)[0] AS end_label, coalesce(b.id, b.symbol, b.code, toString(b.pmid)) AS end_key,
       properties(r) AS properties
