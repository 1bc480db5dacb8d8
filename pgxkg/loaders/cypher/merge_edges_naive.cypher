// The benchmark's baseline: one relationship per statement.
MATCH (a:__START__ {__START_KEY__: $start})
MATCH (b:__END__ {__END_KEY__: $end})
MERGE (a)-[r:__TYPE__]->(b)
SET r += $props, r.sources = $sources
