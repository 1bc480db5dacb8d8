// The Source nodes: what was loaded, which release of it and how old its data is.
MATCH (s:Source)
RETURN s.id AS source, s.name AS name, s.version AS version, s.release AS release, s.date AS date,
       s.license AS license, s.url AS url, coalesce(s.complete, false) AS complete, s.loaded_at AS loaded_at
ORDER BY source
