// Evidence and alternatives for a set of drugs: guideline PMIDs, drugs named by each of its
// recommendations (`via`), and drugs that share an ATC class (with their ATC codes, so the caller
// keeps mates of the same chemical subgroup only); the gene-drug levels come from drug_levels.
// Genotype-independent, so callers cache it per drug. $drugs: [drug ids]
UNWIND $drugs AS drug_id
MATCH (d:Drug {id: drug_id})
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
RETURN d.id AS drug, d.name AS name, d.atc AS atc, d.label_testing AS label_testing, pmids, named, class_mates
