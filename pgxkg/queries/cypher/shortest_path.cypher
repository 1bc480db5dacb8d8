// name: shortest_path
// description: Shortest paths (up to max_hops, at most 8) between two entities named by key, skipping provenance and locks.
// params: from=CYP2C19 to=prasugrel max_hops=4
MATCH (a) WHERE elementId(a) = $from_element
MATCH (b) WHERE elementId(b) = $to_element
MATCH p = allShortestPaths((a)-[*..8]-(b))
WHERE length(p) <= $max_hops AND none(n IN nodes(p) WHERE n:Source OR n:BuildLock)
WITH p LIMIT $limit
RETURN [n IN nodes(p) | {element_id: elementId(n), label: labels(n)[0],
         key: coalesce(n.id, n.symbol, n.code, n.pmid), name: coalesce(n.name, n.symbol, n.id)}] AS nodes,
       [r IN relationships(p) | {type: type(r), start: elementId(startNode(r)), end: elementId(endNode(r))}]
         AS relationships, length(p) AS hops
