// The content digest of every completely loaded source (what a no-op rebuild compares).
MATCH (s:Source) WHERE s.complete RETURN s.id AS id, s.content_sha256 AS sha
