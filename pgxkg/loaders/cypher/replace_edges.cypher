// One batch of relationships, in a build of every source: as replace_nodes, the row
// replaces the relationship's properties, so it ends exactly as create_edges makes it.
UNWIND $rows AS row
MATCH (a:__START__ {__START_KEY__: row.start})
MATCH (b:__END__ {__END_KEY__: row.end})
MERGE (a)-[r:__TYPE__]->(b)
SET r = row.props, r.sources = row.sources
