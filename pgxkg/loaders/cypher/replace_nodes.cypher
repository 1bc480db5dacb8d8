// One batch of nodes of one label, in a build of every source: the row is the node's
// whole content, so it replaces whatever an earlier build left (a property a source no
// longer gives, an older source version) and the node ends exactly as create_nodes makes it.
UNWIND $rows AS row
MERGE (n:__LABEL__ {__KEY__: row.key})
SET n = row.props, n.__KEY__ = row.key, n.sources = row.sources
