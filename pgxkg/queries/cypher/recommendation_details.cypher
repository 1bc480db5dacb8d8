// The text, category and guideline of recommendations by id (static; the risk query caches them).
// $ids: [recommendation ids]
UNWIND $ids AS rec_id
MATCH (r:Recommendation {id: rec_id})
OPTIONAL MATCH (guideline:Guideline)-[:RECOMMENDS]->(r)
WITH r, collect(guideline)[0] AS guideline
RETURN r.id AS id,
       r {.id, .source, .text, .category, .category_reason, .category_signal, .source_phenotypes, .genes,
          .phenotypes, .strength, .population,
          .classification, .pharmgkb_id, .sources} AS recommendation,
       guideline {.id, .name, .url, .source} AS guideline
