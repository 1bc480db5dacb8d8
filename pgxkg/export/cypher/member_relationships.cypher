// name: export_member_relationships
// description: The relationships among the nodes with these element ids, with both ends' id properties ($id_keys).
// params: elements=[] id_keys=[]
UNWIND $elements AS element
MATCH (a)-[r]->(b) WHERE elementId(a) = element AND elementId(b) IN $elements
RETURN labels(a)[0] AS start_label, coalesce(a.id, a.symbol, a.code, toString(a.pmid)) AS start_key,
       [k IN $id_keys | a[k]] AS start_ids,
       type(r) AS type,
       labels(b)[0] AS end_label, coalesce(b.id, b.symbol, b.code, toString(b.pmid)) AS end_key,
       [k IN $id_keys | b[k]] AS end_ids,
       properties(r) AS properties
