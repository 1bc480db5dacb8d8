// name: export_all_nodes
// description: Every node with its label, key and properties, streamed by the driver in batches.
MATCH (n)
RETURN labels(n)[0] AS label, coalesce(n.id, n.symbol, n.code, toString(n.pmid)) AS key,
       properties(n) AS properties
