// Every gene a recommendation conditions on, and the alleles whose presence it tests (HLA).
MATCH (:Recommendation)-[w:WHEN]->(t)
RETURN w.gene AS gene, collect(DISTINCT CASE WHEN w.kind IN ['positive', 'negative'] THEN t.id END)
       AS status_alleles
