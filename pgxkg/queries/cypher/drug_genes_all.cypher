// Every drug's pharmacogenes with their evidence levels (CPIC, ClinPGx/PharmGKB): what an
// alternative is checked against. Static; loaded once with the reference data.
MATCH (g:Gene)-[i:INTERACTS_WITH]->(d:Drug)
RETURN d.id AS drug, collect({gene: g.symbol, cpic_level: i.cpic_level, pharmgkb_level: i.pharmgkb_level}) AS genes
