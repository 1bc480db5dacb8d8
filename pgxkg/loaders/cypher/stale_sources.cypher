// Every Source node but this build's: other versions of its sources, and sources it no longer
// holds. Run only after a build of every source, when prune has left nothing that names them.
MATCH (s:Source)
WHERE NOT s.id IN $ids
DETACH DELETE s
RETURN count(*) AS removed
