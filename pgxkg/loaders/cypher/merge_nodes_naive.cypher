// The benchmark's baseline: one node per statement.
MERGE (n:__LABEL__ {__KEY__: $key})
SET n += $props, n.sources = $sources
