// name: neighbourhood
// description: One ring around the frontier, balanced across labels: the best neighbour of each label, then the second best of each, and so on, up to $limit (so a gene's 600 diplotypes cannot crowd out its drugs). Best = the strongest link (a CPIC gene-drug pair, then one with a ClinPGx level or a label), then evidence level, then most connected, then key.
// params: frontier=[] seen=[] limit=60
MATCH (a)-[r]-(b)
WHERE elementId(a) IN $frontier AND NOT elementId(b) IN $seen
  AND NOT b:Source AND NOT b:BuildLock
WITH b, min(CASE WHEN r.cpic_level IS NOT NULL THEN 0
                 WHEN r.pharmgkb_level IS NOT NULL OR r.fda_label IS NOT NULL THEN 1 ELSE 2 END) AS link
WITH b, link, labels(b)[0] AS label
ORDER BY label, link, coalesce(toString(b.level), '~'), COUNT { (b)--() } DESC,
         coalesce(b.id, b.symbol, b.code, toString(b.pmid))
WITH label, collect(b) AS ranked
UNWIND range(0, size(ranked) - 1) AS rank
WITH ranked[rank] AS b, rank, label
ORDER BY rank, label
LIMIT $limit
RETURN elementId(b) AS element_id
