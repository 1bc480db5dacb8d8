// Node counts per label and relationship counts per type from Neo4j's counts store:
// no node or relationship is read, so it costs the same on any graph.
CALL db.stats.retrieve('GRAPH COUNTS') YIELD data
RETURN [n IN data.nodes WHERE n.label IS NOT NULL AND n.count > 0 | [n.label, n.count]] AS nodes,
       [r IN data.relationships
        WHERE r.relationshipType IS NOT NULL AND r.startLabel IS NULL AND r.endLabel IS NULL AND r.count > 0
        | [r.relationshipType, r.count]] AS relationships
