// name: disease_genes_drugs
// description: From a disease to its associated genes, and from those genes to drugs with PGx evidence (disease id, or a name matched case-insensitively).
// params: disease=OMIM:219700
MATCH (dis:Disease) WHERE dis.id = $disease OR toLower(dis.name) = toLower($disease)
MATCH (g:Gene)-[:ASSOCIATED_WITH]->(dis)
MATCH (g)-[i:INTERACTS_WITH]->(d:Drug)
// evidence: a level (CPIC, the pair's ClinPGx level, else its best clinical annotation) or a label; a bare
// ClinPGx relationship ("associated") is not
WHERE i.cpic_level IS NOT NULL OR i.pharmgkb_level IS NOT NULL OR i.clinical_level IS NOT NULL
   OR i.fda_label IS NOT NULL
RETURN dis.id AS disease, dis.name AS disease_name, g.symbol AS gene, d.id AS drug,
       i.cpic_level AS cpic_level, coalesce(i.pharmgkb_level, i.clinical_level) AS pharmgkb_level
ORDER BY coalesce(i.cpic_level, 'Z'), coalesce(i.pharmgkb_level, i.clinical_level, '9'), gene, drug
LIMIT 500
