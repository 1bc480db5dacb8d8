// name: graph_stats
// description: The loaded sources with their versions, licenses and whether their load completed.
// params:
MATCH (s:Source)
RETURN s.id AS source, s.version AS version, s.license AS license, s.complete AS complete,
       s.loaded_at AS loaded_at, s.url AS url
ORDER BY source
