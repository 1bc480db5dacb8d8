// Gene x drug evidence for `pgxkg figure --kind heatmap` (the seed paper's Fig. 5): every gene-drug pair
// with a CPIC level or a PharmGKB/ClinPGx level, for the genes named ($genes) or, when empty, every gene.
MATCH (g:Gene)-[i:INTERACTS_WITH]->(d:Drug)
WHERE (size($genes) = 0 OR g.symbol IN $genes)
  AND (i.cpic_level IS NOT NULL OR i.pharmgkb_level IS NOT NULL)
RETURN g.symbol AS gene, d.id AS drug, i.cpic_level AS cpic_level, i.pharmgkb_level AS pharmgkb_level
ORDER BY gene, drug
