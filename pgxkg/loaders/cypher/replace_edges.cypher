// One batch of relationships, in a build of every source: as replace_nodes, the row is the
// relationship's whole content, so it ends exactly as create_edges makes it.
UNWIND $rows AS row
MATCH (a:__START__ {__START_KEY__: row.start})
MATCH (b:__END__ {__END_KEY__: row.end})
MERGE (a)-[r:__TYPE__]->(b)
SET r += row.props, r.sources = row.sources
WITH r, row
WHERE any(k IN keys(r) WHERE NOT k IN keys(row.props) AND k <> 'sources')
SET r = row.props, r.sources = row.sources
