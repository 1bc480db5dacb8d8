// Source nodes of another version of a source this build loaded. Run only after a build
// of every source, when prune has left no node or relationship that still names them.
MATCH (s:Source)
WHERE split(s.id, '@')[0] IN $names AND NOT s.id IN $ids
DETACH DELETE s
RETURN count(*) AS removed
