// After a full build: Source nodes of sources (or versions) the build no longer holds.
MATCH (s:Source) WHERE NOT s.id IN $keep
DETACH DELETE s
