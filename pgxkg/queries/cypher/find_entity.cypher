// name: find_entity
// description: Find a node by its key in any label (or only in $label): gene symbol or HGNC id, drug name, RxNorm, DrugBank or ClinPGx id, disease, variant, allele, phenotype or other id.
// params: key=CYP2C19 label=
CALL () {
  MATCH (n:Gene) WHERE $label IN ['', 'Gene'] AND n.symbol IN [$key, toUpper($key)] RETURN n
  UNION MATCH (n:Gene {hgnc_id: toUpper($key)}) WHERE $label IN ['', 'Gene'] RETURN n
  UNION MATCH (n:Drug {id: toLower($key)}) WHERE $label IN ['', 'Drug'] RETURN n
  UNION MATCH (n:Drug) WHERE $label IN ['', 'Drug'] AND (n.rxnorm = $key OR n.pharmgkb_id = $key) RETURN n
  UNION MATCH (n:Drug {drugbank_id: $key}) WHERE $label IN ['', 'Drug'] RETURN n
  UNION MATCH (n:Disease {id: $key}) WHERE $label IN ['', 'Disease'] RETURN n
  UNION MATCH (n:Disease {id: toUpper($key)}) WHERE $label IN ['', 'Disease'] RETURN n
  UNION MATCH (n:Variant) WHERE $label IN ['', 'Variant'] AND (n.id = $key OR n.id = toLower($key)) RETURN n
  UNION MATCH (n:Variant {grch38: $key}) WHERE $label IN ['', 'Variant'] RETURN n
  UNION MATCH (n:Allele {id: $key}) WHERE $label IN ['', 'Allele'] RETURN n
  UNION MATCH (n:Phenotype {id: $key}) WHERE $label = '' RETURN n
  UNION MATCH (n:Diplotype {id: $key}) WHERE $label = '' RETURN n
  UNION MATCH (n:Guideline {id: $key}) WHERE $label = '' RETURN n
  UNION MATCH (n:Recommendation {id: $key}) WHERE $label = '' RETURN n
  UNION MATCH (n:ClinicalAnnotation {id: $key}) WHERE $label = '' RETURN n
  UNION MATCH (n:PhenotypicFeature {id: $key}) WHERE $label = '' RETURN n
  UNION MATCH (n:DrugClass {code: $key}) WHERE $label = '' RETURN n
  UNION MATCH (n:Publication {pmid: $key}) WHERE $label = '' RETURN n
}
RETURN elementId(n) AS element_id, labels(n)[0] AS label, properties(n) AS properties
LIMIT 5
