// name: export_members
// description: The nodes with these element ids, with label, key and properties.
// params: elements=[]
UNWIND $elements AS element
MATCH (n) WHERE elementId(n) = element
RETURN labels(n)[0] AS label, coalesce(n.id, n.symbol, n.code, toString(n.pmid)) AS key,
       properties(n) AS properties
