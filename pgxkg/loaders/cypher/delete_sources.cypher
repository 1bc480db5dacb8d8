// Source nodes of sources a full build no longer includes (their facts were pruned first).
MATCH (s:Source) WHERE s.id IN $ids DETACH DELETE s
