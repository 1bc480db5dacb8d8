// name: find_entity
// description: Find a node by its key in any label: gene symbol, drug name, disease, variant, allele, phenotype or other id.
// params: key=CYP2C19
CALL () {
  MATCH (n:Gene {symbol: $key}) RETURN n
  UNION MATCH (n:Drug {id: toLower($key)}) RETURN n
  UNION MATCH (n:Drug) WHERE n.rxnorm = $key OR n.pharmgkb_id = $key RETURN n
  UNION MATCH (n:Disease {id: $key}) RETURN n
  UNION MATCH (n:Variant {id: $key}) RETURN n
  UNION MATCH (n:Allele {id: $key}) RETURN n
  UNION MATCH (n:Phenotype {id: $key}) RETURN n
  UNION MATCH (n:Diplotype {id: $key}) RETURN n
  UNION MATCH (n:Guideline {id: $key}) RETURN n
  UNION MATCH (n:Recommendation {id: $key}) RETURN n
  UNION MATCH (n:ClinicalAnnotation {id: $key}) RETURN n
  UNION MATCH (n:PhenotypicFeature {id: $key}) RETURN n
  UNION MATCH (n:DrugClass {code: $key}) RETURN n
  UNION MATCH (n:Publication {pmid: $key}) RETURN n
}
RETURN elementId(n) AS element_id, labels(n)[0] AS label, properties(n) AS properties
LIMIT 5
