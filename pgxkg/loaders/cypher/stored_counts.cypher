// Node counts per label and relationship counts per (start label, type), straight from
// Neo4j's counts store: no node or relationship is read, so it costs the same on any graph.
CALL db.stats.retrieve('GRAPH COUNTS') YIELD data
RETURN data
