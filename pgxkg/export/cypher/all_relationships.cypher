// name: export_all_relationships
// description: Every relationship with its ends (label, key and the id properties named in $id_keys) and properties, streamed in batches.
// params: id_keys=[]
MATCH (a)-[r]->(b)
RETURN labels(a)[0] AS start_label, coalesce(a.id, a.symbol, a.code, toString(a.pmid)) AS start_key,
       [k IN $id_keys | a[k]] AS start_ids,
       type(r) AS type,
       labels(b)[0] AS end_label, coalesce(b.id, b.symbol, b.code, toString(b.pmid)) AS end_key,
       [k IN $id_keys | b[k]] AS end_ids,
       properties(r) AS properties
