// name: drug_lookup
// description: A drug by name, synonym (generic or trade name), RxNorm CUI, ATC code, DrugBank id or ClinPGx (PharmGKB) id.
// params: name=Plavix
MATCH (d:Drug)
WHERE d.id = toLower($name) OR d.rxnorm = $name OR d.pharmgkb_id = $name OR d.drugbank_id = $name
   OR $name IN coalesce(d.rxnorm_ids, []) OR toUpper($name) IN coalesce(d.atc, [])
   OR toLower($name) IN [s IN coalesce(d.synonyms, []) | toLower(s)]
RETURN elementId(d) AS element_id, d.id AS id
ORDER BY CASE WHEN d.id = toLower($name) THEN 0 ELSE 1 END, d.id
LIMIT 1
