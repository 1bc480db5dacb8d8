// Allele definitions of every gene that has any, for calling diplotypes from a VCF.
// One row per gene: its definition metadata (PharmCAT's, when that source is loaded: source, version,
// reference allele, matcher exemptions; else the pinned tables' reference naming) and its alleles, each
// with the variants its definition names (DEFINED_BY.alt is the allele carried: a VCF allele or an
// IUPAC code for PharmCAT, the base for the pinned tables; the Variant's pos/ref/alt are as a VCF writes them).
MATCH (g:Gene)-[:HAS_ALLELE]->(:Allele)-[:DEFINED_BY]->(:Variant)
WITH DISTINCT g
CALL (g) {
  MATCH (g)-[:HAS_ALLELE]->(a:Allele)
  OPTIONAL MATCH (a)-[d:DEFINED_BY]->(v:Variant)
  WITH a, collect(CASE WHEN v IS NULL THEN NULL ELSE {
    variant: v.id, rsid: v.rsid, chrom: v.chrom, pos: v.pos_grch38, pos_grch37: v.pos_grch37,
    ref: v.ref, alt: v.alt, names: v.grch38_names, hgvs: v.hgvs, base: d.alt, core: d.core} END) AS defs
  RETURN collect({name: a.name, sv: coalesce(a.sv, a.structural_variant), function: a.function,
                  activity_value: a.activity_value, reference: a.reference, score: a.definition_score,
                  reported_as: a.reported_as, ignored: a.matcher_ignored, defs: defs}) AS alleles
}
OPTIONAL MATCH (g)<-[:IN_GENE]-(x:Variant) WHERE x.id IN coalesce(g.matcher_extra_positions, [])
RETURN g.symbol AS gene, g.grch38_default_allele AS grch38_default, g.reference_allele AS reference_allele,
       g.grch37_default_allele AS grch37_default, g.allele_definition_source AS source,
       g.allele_definition_version AS version, g.allele_definition_date AS date,
       g.definition_reference_allele AS pharmcat_reference,
       g.matcher_required_positions AS required_positions, g.matcher_ignored_positions AS ignored_positions,
       g.matcher_priority_sets AS priority_sets, g.matcher_priority_picks AS priority_picks,
       collect(x {.id, .rsid, .chrom, pos: x.pos_grch38, .ref, .alt}) AS extra_positions, alleles
ORDER BY gene
