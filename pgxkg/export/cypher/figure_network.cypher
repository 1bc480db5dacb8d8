// Genes, drugs and diseases around centers for `pgxkg figure --kind network` (the seed paper's Fig. 12).
// From each center (element ids from find_entity): a gene's drugs (INTERACTS_WITH with a CPIC or
// PharmGKB/ClinPGx level) and diseases (HPO's ASSOCIATED_WITH); a drug's genes and the diseases PharmGKB's
// clinical annotations link it to; a disease's genes and the drugs annotated for it. At most $limit
// neighbours of each kind per center, strongest evidence first. $centers: [element ids], $limit: int
UNWIND $centers AS center_id
MATCH (c) WHERE elementId(c) = center_id
CALL (c) {
  MATCH (c:Gene)-[i:INTERACTS_WITH]->(d:Drug)
  WHERE i.cpic_level IS NOT NULL OR i.pharmgkb_level IS NOT NULL
  WITH c, d, i ORDER BY coalesce(i.cpic_level, 'Z'), coalesce(i.pharmgkb_level, '9'), d.id LIMIT $limit
  RETURN 'Gene' AS source_label, c.symbol AS source, 'Drug' AS target_label, d.id AS target,
         i.cpic_level AS cpic_level, i.pharmgkb_level AS pharmgkb_level, 0 AS annotations
  UNION
  MATCH (c:Gene)-[:ASSOCIATED_WITH]->(dis:Disease)
  WITH c, dis ORDER BY dis.name LIMIT $limit
  RETURN 'Gene' AS source_label, c.symbol AS source, 'Disease' AS target_label, coalesce(dis.name, dis.id) AS target,
         null AS cpic_level, null AS pharmgkb_level, 0 AS annotations
  UNION
  MATCH (g:Gene)-[i:INTERACTS_WITH]->(c:Drug)
  WHERE i.cpic_level IS NOT NULL OR i.pharmgkb_level IS NOT NULL
  WITH g, c, i ORDER BY coalesce(i.cpic_level, 'Z'), coalesce(i.pharmgkb_level, '9'), g.symbol LIMIT $limit
  RETURN 'Gene' AS source_label, g.symbol AS source, 'Drug' AS target_label, c.id AS target,
         i.cpic_level AS cpic_level, i.pharmgkb_level AS pharmgkb_level, 0 AS annotations
  UNION
  MATCH (a:ClinicalAnnotation)-[:FOR_DRUG]->(c:Drug), (a)-[:FOR_DISEASE]->(dis:Disease)
  WITH c, dis, count(a) AS n, min(a.level) AS best ORDER BY best, n DESC, dis.name LIMIT $limit
  RETURN 'Drug' AS source_label, c.id AS source, 'Disease' AS target_label, coalesce(dis.name, dis.id) AS target,
         null AS cpic_level, best AS pharmgkb_level, n AS annotations
  UNION
  MATCH (g:Gene)-[:ASSOCIATED_WITH]->(c:Disease)
  WITH g, c ORDER BY g.symbol LIMIT $limit
  RETURN 'Gene' AS source_label, g.symbol AS source, 'Disease' AS target_label, coalesce(c.name, c.id) AS target,
         null AS cpic_level, null AS pharmgkb_level, 0 AS annotations
  UNION
  MATCH (a:ClinicalAnnotation)-[:FOR_DISEASE]->(c:Disease), (a)-[:FOR_DRUG]->(d:Drug)
  WITH c, d, count(a) AS n, min(a.level) AS best ORDER BY best, n DESC, d.id LIMIT $limit
  RETURN 'Drug' AS source_label, d.id AS source, 'Disease' AS target_label, coalesce(c.name, c.id) AS target,
         null AS cpic_level, best AS pharmgkb_level, n AS annotations
}
RETURN labels(c)[0] AS center_label, source_label, source, target_label, target, cpic_level, pharmgkb_level, annotations
