// Every gene a recommendation conditions on, the alleles whose presence it tests (HLA), and the
// activity scores its rules name (exact, and lower bounds written ≥N).
MATCH (:Recommendation)-[w:WHEN]->(t)
UNWIND coalesce(w.conditions, [w.condition]) AS condition
RETURN w.gene AS gene, collect(DISTINCT CASE WHEN w.kind IN ['positive', 'negative'] THEN t.id END)
       AS status_alleles,
       collect(DISTINCT CASE WHEN w.kind = 'activity' THEN split(condition, ':')[2] END) AS activity_values
