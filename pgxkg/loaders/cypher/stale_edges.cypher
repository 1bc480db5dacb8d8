// Relationships of one type whose every source is one of the rebuilt sources (any version),
// with their endpoints. The placeholder comes from the schema declaration only.
MATCH (a)-[r:__TYPE__]->(b)
WHERE all(s IN r.sources WHERE split(s, '@')[0] IN $names)
RETURN elementId(r) AS element_id, labels(a)[0] AS start_label,
       coalesce(a.id, a.symbol, a.code, a.pmid) AS start,
       labels(b)[0] AS end_label, coalesce(b.id, b.symbol, b.code, b.pmid) AS end
