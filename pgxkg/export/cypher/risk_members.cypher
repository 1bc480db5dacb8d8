// name: export_risk_members
// description: The element ids of a risk report's genes, diplotypes, phenotypes, recommendations, drugs and ATC classes.
// params: genes=[] diplotypes=[] phenotypes=[] recommendations=[] drugs=[] classes=[]
CALL () {
  UNWIND $genes AS k MATCH (n:Gene {symbol: k}) RETURN n
  UNION UNWIND $diplotypes AS k MATCH (n:Diplotype {id: k}) RETURN n
  UNION UNWIND $phenotypes AS k MATCH (n:Phenotype {id: k}) RETURN n
  UNION UNWIND $recommendations AS k MATCH (n:Recommendation {id: k}) RETURN n
  UNION UNWIND $drugs AS k MATCH (n:Drug {id: k}) RETURN n
  UNION UNWIND $classes AS k MATCH (n:DrugClass {code: k}) RETURN n
}
RETURN elementId(n) AS element_id
