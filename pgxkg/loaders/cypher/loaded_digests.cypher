// The content digest of every Source node (what a no-op rebuild compares) and whether its load completed.
MATCH (s:Source) RETURN s.id AS id, s.content_sha256 AS sha, coalesce(s.complete, false) AS complete
