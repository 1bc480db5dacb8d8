// Every drug's pharmacogenes with their evidence levels: what the risk answer shows as a drug's
// evidence and checks an alternative against. A gene-drug pair counts when it has a CPIC level, a
// pair-level ClinPGx level, a label that asks for action (testing required or recommended,
// actionable PGx; "Informative PGx" and "No Clinical PGx" do not), or clinical evidence of level
// 1A-2B (ClinPGx lists level 3-4 associations for dozens of genes per drug: they say nothing of
// safety). Static; loaded once per reference-data snapshot.
MATCH (g:Gene)-[i:INTERACTS_WITH]->(d:Drug)
WHERE i.cpic_level IS NOT NULL OR i.pharmgkb_level IS NOT NULL
   OR any(label IN [i.fda_label, i.ema_label, i.pmda_label, i.hcsc_label, i.swissmedic_label]
          WHERE toLower(label) IN ['testing required', 'testing recommended', 'actionable pgx'])
   OR i.clinical_level IN ['1A', '1B', '2A', '2B']
WITH d, g, i ORDER BY g.symbol
RETURN d.id AS drug,
       collect(i {gene: g.symbol, .cpic_level, .cpic_status, pharmgkb_level: coalesce(i.pharmgkb_level,
                  i.clinical_level), .fda_label, .ema_label, .pmda_label, .hcsc_label, .swissmedic_label,
                  .guideline_url}) AS levels
