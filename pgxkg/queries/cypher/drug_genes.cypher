// name: drug_genes
// description: Genes to test before prescribing a drug, with evidence levels and the guideline sources that have rules for it.
// params: drug=clopidogrel
MATCH (d:Drug {id: toLower($drug)})
CALL (d) {
  MATCH (g:Gene)-[i:INTERACTS_WITH]->(d)
  RETURN g.symbol AS gene, i.cpic_level AS cpic_level, i.pharmgkb_level AS pharmgkb_level,
         i.fda_label AS fda_label
  UNION
  MATCH (r:Recommendation)-[:FOR_DRUG]->(d)
  UNWIND r.genes AS gene
  RETURN DISTINCT gene, null AS cpic_level, null AS pharmgkb_level, null AS fda_label
}
WITH d, gene, collect(cpic_level)[0] AS cpic_level, collect(pharmgkb_level)[0] AS pharmgkb_level,
     collect(fda_label)[0] AS fda_label
OPTIONAL MATCH (r:Recommendation)-[:FOR_DRUG]->(d) WHERE gene IN r.genes
WITH gene, cpic_level, pharmgkb_level, fda_label, collect(DISTINCT r.source) AS guideline_sources,
     count(r) AS recommendations
// a gene with no level, no label and no guideline rule (a ClinPGx level 3-4 association) is not one to test
WHERE cpic_level IS NOT NULL OR pharmgkb_level IS NOT NULL OR fda_label IS NOT NULL OR recommendations > 0
RETURN gene, cpic_level, pharmgkb_level, fda_label, guideline_sources, recommendations
ORDER BY coalesce(cpic_level, 'Z'), coalesce(pharmgkb_level, '9'), gene
