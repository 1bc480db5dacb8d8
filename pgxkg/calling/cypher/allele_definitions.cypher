// Star-allele definitions of every gene that has any, for calling diplotypes from a VCF.
// One row per gene: the gene's reference naming (GRCh38 default, RefAllele, GRCh37 default) and its
// alleles, each with the variants it carries (DEFINED_BY.alt is the base the allele carries; the
// Variant's ref/alt and grch38_names are the GRCh38 names that base belongs to).
MATCH (g:Gene)-[:HAS_ALLELE]->(:Allele)-[:DEFINED_BY]->(:Variant)
WITH DISTINCT g
CALL (g) {
  MATCH (g)-[:HAS_ALLELE]->(a:Allele)
  OPTIONAL MATCH (a)-[d:DEFINED_BY]->(v:Variant)
  WITH a, collect(CASE WHEN v IS NULL THEN NULL ELSE {
    variant: v.id, rsid: v.rsid, chrom: v.chrom, pos: v.pos_grch38, pos_grch37: v.pos_grch37,
    ref: v.ref, names: v.grch38_names, base: d.alt, core: d.core} END) AS defs
  RETURN collect({name: a.name, sv: a.sv, function: a.function, defs: defs}) AS alleles
}
RETURN g.symbol AS gene, g.grch38_default_allele AS grch38_default, g.reference_allele AS reference_allele,
       g.grch37_default_allele AS grch37_default, alleles
ORDER BY gene
