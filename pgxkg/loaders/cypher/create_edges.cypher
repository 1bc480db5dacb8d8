// A first load of one relationship type from one label (none exists yet, and the
// rows are unique): CREATE skips MERGE's check for an existing relationship.
UNWIND $rows AS row
MATCH (a:__START__ {__START_KEY__: row.start})
MATCH (b:__END__ {__END_KEY__: row.end})
CREATE (a)-[r:__TYPE__]->(b)
SET r += row.props, r.sources = row.sources
