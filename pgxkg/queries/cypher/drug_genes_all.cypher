// Every drug's pharmacogenes with their evidence levels (CPIC, ClinPGx/PharmGKB, labels): what an
// alternative is checked against. The same evidence drug_evidence shows: a CPIC level, a pair-level
// ClinPGx level, a label that asks for action, or clinical evidence of level 1A-2B (a level 3-4
// association or a label with no clinical PGx says nothing of safety). Static; loaded once.
MATCH (g:Gene)-[i:INTERACTS_WITH]->(d:Drug)
WHERE i.cpic_level IS NOT NULL OR i.pharmgkb_level IS NOT NULL
   OR any(label IN [i.fda_label, i.ema_label, i.pmda_label, i.hcsc_label, i.swissmedic_label]
          WHERE toLower(label) IN ['testing required', 'testing recommended', 'actionable pgx'])
   OR i.clinical_level IN ['1A', '1B', '2A', '2B']
RETURN d.id AS drug,
       collect({gene: g.symbol, cpic_level: i.cpic_level, pharmgkb_level: coalesce(i.pharmgkb_level, i.clinical_level),
                label: coalesce(i.fda_label, i.ema_label, i.pmda_label, i.hcsc_label, i.swissmedic_label)}) AS genes
