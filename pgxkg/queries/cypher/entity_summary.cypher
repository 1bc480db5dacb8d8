// name: entity_summary
// description: One entity, looked up by key within a label (Gene, Drug, Disease, Variant, Allele), with its neighbours grouped by relationship type, direction and label: counts and a sample of keys.
// params: key=CYP2C19 label=Gene sample=10
// One round trip: lookup and neighbourhood together. The sample is the first $sample keys in
// key order among the first 500 neighbours of a group (hubs like CYP2D6 have 11,000 diplotypes).
CALL () {
  MATCH (n:Gene) WHERE $label = 'Gene' AND n.symbol IN [$key, toUpper($key)] RETURN n
  UNION MATCH (n:Gene {hgnc_id: toUpper($key)}) WHERE $label = 'Gene' RETURN n
  UNION MATCH (n:Drug {id: toLower($key)}) WHERE $label = 'Drug' RETURN n
  UNION MATCH (n:Drug) WHERE $label = 'Drug' AND (n.rxnorm = $key OR n.pharmgkb_id = $key) RETURN n
  UNION MATCH (n:Drug {drugbank_id: $key}) WHERE $label = 'Drug' RETURN n
  UNION MATCH (n:Drug) WHERE $label = 'Drug' AND toUpper($key) IN coalesce(n.atc, []) RETURN n
  UNION MATCH (n:Drug) WHERE $label = 'Drug' AND toLower($key) IN [s IN coalesce(n.synonyms, []) | toLower(s)]
        RETURN n
  UNION MATCH (n:Disease) WHERE $label = 'Disease' AND n.id IN [$key, toUpper($key)] RETURN n
  UNION MATCH (n:Variant) WHERE $label = 'Variant' AND n.id IN [$key, toLower($key)] RETURN n
  UNION MATCH (n:Variant {grch38: $key}) WHERE $label = 'Variant' RETURN n
  UNION MATCH (n:Allele {id: $key}) WHERE $label = 'Allele' RETURN n
}
WITH n LIMIT 1
CALL (n) {
  MATCH (n)-[r]-(m)
  WHERE NOT m:Source AND NOT m:BuildLock
  WITH type(r) AS type, CASE WHEN startNode(r) = n THEN 'out' ELSE 'in' END AS direction,
       labels(m)[0] AS label, collect(m) AS members
  CALL (members) {
    UNWIND members[0..500] AS m
    WITH coalesce(m.id, m.symbol, m.code, m.pmid) AS key
    ORDER BY key
    LIMIT $sample
    RETURN collect(key) AS sample
  }
  WITH type, direction, label, size(members) AS count, sample
  ORDER BY type, direction, label
  RETURN collect({type: type, direction: direction, label: label, count: count, sample: sample}) AS neighbours
}
RETURN labels(n)[0] AS label, properties(n) AS properties, neighbours
