// name: recommendation_categories
// description: Every guideline recommendation with its category and why (the signal that decided it), for a drug or all drugs.
// params: drug=
MATCH (r:Recommendation)
WHERE $drug = '' OR r.drug = toLower($drug)
RETURN r.id AS id, r.source AS source, r.drug AS drug, r.population AS population, r.phenotypes AS phenotypes,
       r.category AS category, r.category_signal AS signal, r.category_reason AS reason, r.text AS text,
       r.sources AS loaded_from
ORDER BY drug, source, id
