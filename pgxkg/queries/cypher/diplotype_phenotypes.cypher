// Genotype -> phenotype for many diplotypes at once, with the path that produced it.
// $diplotypes: [{id, gene, alleles: [allele ids]}]. CPIC's own table is preferred when
// several sources map the same diplotype.
UNWIND $diplotypes AS d
OPTIONAL MATCH (dip:Diplotype {id: d.id})-[hp:HAS_PHENOTYPE]->(p:Phenotype)
WITH d, dip, p, hp
ORDER BY CASE WHEN any(s IN coalesce(hp.sources, []) WHERE s STARTS WITH 'cpic') THEN 0 ELSE 1 END
WITH d, collect(CASE WHEN p IS NULL THEN NULL ELSE
       {phenotype: p.name, phenotype_id: p.id, sources: hp.sources, activity_score: hp.activity_score}
     END) AS found
CALL (d) {
  UNWIND d.alleles AS allele_id
  OPTIONAL MATCH (a:Allele {id: allele_id})
  RETURN collect({id: allele_id, known: a IS NOT NULL, function: a.function,
                  activity_value: a.activity_value}) AS alleles
}
RETURN d.id AS id, found[0] AS mapped, alleles
