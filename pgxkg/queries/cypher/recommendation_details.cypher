// The text, category, the source's own signals and the guideline of recommendations by id (static;
// the risk query caches them). $ids: [recommendation ids]
UNWIND $ids AS rec_id
MATCH (r:Recommendation {id: rec_id})
OPTIONAL MATCH (guideline:Guideline)-[:RECOMMENDS]->(r)
WITH r, collect(guideline)[0] AS guideline
RETURN r.id AS id,
       r {.id, .source, .text, .category, .category_reason, .category_signal, .source_phenotypes, .genes,
          .phenotypes, .strength, .classification, .pharmgkb_id, .sources, .population, .implications, .lookup,
          .alternate_drug_available, .dosing_information, .other_prescribing_guidance, .comments} AS recommendation,
       guideline {.id, .name, .url, .source, .version, .last_change, .updated, .publication_years} AS guideline
