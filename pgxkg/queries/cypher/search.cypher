// name: search
// description: Full-text search over genes, drugs, drug classes, diseases and variants (names, symbols, synonyms); Lucene syntax is escaped by the caller.
// params: q=clopidogrel limit=20 offset=0
CALL db.index.fulltext.queryNodes('entity_search', $q) YIELD node, score
RETURN labels(node)[0] AS label, coalesce(node.id, node.symbol, node.code) AS key,
       coalesce(node.name, node.symbol, node.id, node.code) AS name, score
ORDER BY score DESC, key
SKIP $offset
LIMIT $limit
