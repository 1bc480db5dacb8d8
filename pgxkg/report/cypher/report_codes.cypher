// Standard codes for a report's FHIR resources: each gene's HGNC id (else NCBI Gene id), each drug's
// RxNorm CUI, where the graph has them. $genes: [gene symbols], $drugs: [drug ids]
CALL () {
  UNWIND $genes AS symbol
  MATCH (g:Gene {symbol: symbol})
  RETURN collect({gene: g.symbol, hgnc: g.hgnc, ncbi: g.ncbi_gene_id}) AS genes
}
CALL () {
  UNWIND $drugs AS drug_id
  MATCH (d:Drug {id: drug_id})
  WHERE d.rxnorm IS NOT NULL
  RETURN collect({drug: d.id, rxnorm: d.rxnorm}) AS drugs
}
RETURN genes, drugs
