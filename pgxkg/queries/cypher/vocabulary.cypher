// Genes with named alleles: each allele's name, other names, whether it is the gene's reference,
// function, activity value and the variants (rsID, base) that define it.
MATCH (g:Gene)-[:HAS_ALLELE]->(a:Allele)
OPTIONAL MATCH (a)-[d:DEFINED_BY]->(v:Variant)
WITH g, a, collect(CASE WHEN v IS NULL THEN NULL ELSE {rsid: v.id, alt: d.alt} END) AS variants
RETURN g.symbol AS gene,
       collect({id: a.id, name: a.name, synonyms: a.synonyms, reference: a.reference, function: a.function,
                activity_value: a.activity_value, variants: variants}) AS alleles
