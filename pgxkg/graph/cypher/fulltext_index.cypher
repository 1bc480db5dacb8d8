// The labels and properties of the full-text index (to recreate it when the declaration changed).
SHOW FULLTEXT INDEXES YIELD name, labelsOrTypes, properties
WHERE name = $name
RETURN labelsOrTypes AS labels, properties
