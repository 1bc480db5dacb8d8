// Every drug id, for "did you mean" suggestions when an indication names an unknown drug.
MATCH (d:Drug)
RETURN d.id AS id
