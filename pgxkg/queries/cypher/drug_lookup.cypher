// name: drug_lookup
// description: A drug by name, synonym, RxNorm or PharmGKB id.
// params: name=Plavix
MATCH (d:Drug)
WHERE d.id = toLower($name) OR d.rxnorm = $name OR d.pharmgkb_id = $name
   OR toLower($name) IN [s IN coalesce(d.synonyms, []) | toLower(s)]
RETURN elementId(d) AS element_id, d.id AS id
LIMIT 1
