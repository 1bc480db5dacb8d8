// name: export_all_relationships
// description: Every relationship with its ends (label and key) and properties, streamed in batches.
MATCH (a)-[r]->(b)
RETURN labels(a)[0] AS start_label, coalesce(a.id, a.symbol, a.code, toString(a.pmid)) AS start_key,
       type(r) AS type,
       labels(b)[0] AS end_label, coalesce(b.id, b.symbol, b.code, toString(b.pmid)) AS end_key,
       properties(r) AS properties
