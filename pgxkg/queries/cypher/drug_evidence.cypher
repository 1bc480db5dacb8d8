// Evidence and alternatives for a set of drugs: gene-drug levels, guideline PMIDs,
// drugs named by each of its recommendations (`via`), and drugs that share an ATC class (with
// their ATC codes, so the caller keeps mates of the same chemical subgroup only).
// Genotype-independent, so callers cache it per drug. $drugs: [drug ids]
UNWIND $drugs AS drug_id
MATCH (d:Drug {id: drug_id})
CALL (d) {
  OPTIONAL MATCH (g:Gene)-[i:INTERACTS_WITH]->(d)
  // a pair with a CPIC level, a pair-level ClinPGx level, a label that asks for action (testing required
  // or recommended, actionable PGx; "Informative PGx" and "No Clinical PGx" do not), or clinical evidence
  // of level 1A-2B (ClinPGx lists level 3-4 associations for dozens of genes per drug: not shown here)
  WHERE i.cpic_level IS NOT NULL OR i.pharmgkb_level IS NOT NULL
     OR any(label IN [i.fda_label, i.ema_label, i.pmda_label, i.hcsc_label, i.swissmedic_label]
            WHERE toLower(label) IN ['testing required', 'testing recommended', 'actionable pgx'])
     OR i.clinical_level IN ['1A', '1B', '2A', '2B']
  RETURN collect(i {gene: g.symbol, .cpic_level, .cpic_status, pharmgkb_level: coalesce(i.pharmgkb_level,
                    i.clinical_level), .fda_label, .ema_label, .pmda_label, .hcsc_label, .swissmedic_label,
                    .guideline_url}) AS levels
}
CALL (d) {
  OPTIONAL MATCH (:Guideline)-[:FOR_DRUG]->(d)
  OPTIONAL MATCH (gl:Guideline)-[:FOR_DRUG]->(d), (gl)-[:CITES]->(p:Publication)
  RETURN collect(DISTINCT p.pmid) AS pmids
}
CALL (d) {
  OPTIONAL MATCH (r:Recommendation)-[:FOR_DRUG]->(d), (r)-[:SUGGESTS]->(alt:Drug)
  WHERE alt <> d
  RETURN collect(DISTINCT {drug: alt.id, via: r.id}) AS named
}
CALL (d) {
  OPTIONAL MATCH (d)-[:IN_CLASS]->(c:DrugClass)<-[:IN_CLASS]-(mate:Drug)
  WHERE mate <> d
  RETURN collect(DISTINCT {drug: mate.id, atc_class: c.code, atc: mate.atc}) AS class_mates
}
RETURN d.id AS drug, d.name AS name, d.atc AS atc, d.label_testing AS label_testing, levels, pmids, named,
       class_mates
