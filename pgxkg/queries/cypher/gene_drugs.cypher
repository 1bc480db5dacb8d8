// name: gene_drugs
// description: Drugs with pharmacogenomic evidence for a gene, strongest first (CPIC level, PharmGKB level, FDA label).
// params: gene=CYP2C19
MATCH (g:Gene {symbol: $gene})-[i:INTERACTS_WITH]->(d:Drug)
OPTIONAL MATCH (r:Recommendation)-[:FOR_DRUG]->(d) WHERE $gene IN r.genes
WITH g, i, d, count(r) AS recommendations
// evidence: a level (CPIC, the pair's ClinPGx level, else its best clinical annotation), a label or a rule;
// a bare ClinPGx relationship ("associated") is not
WHERE i.cpic_level IS NOT NULL OR i.pharmgkb_level IS NOT NULL OR i.clinical_level IS NOT NULL
   OR i.fda_label IS NOT NULL OR recommendations > 0
RETURN d.id AS drug, i.cpic_level AS cpic_level, i.cpic_status AS cpic_status,
       coalesce(i.pharmgkb_level, i.clinical_level) AS pharmgkb_level, i.fda_label AS fda_label, recommendations,
       i.guideline_url AS guideline
ORDER BY coalesce(i.cpic_level, 'Z'), coalesce(i.pharmgkb_level, i.clinical_level, '9'), drug
