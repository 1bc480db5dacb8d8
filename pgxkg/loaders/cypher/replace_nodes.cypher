// One batch of nodes of one label, in a build of every source: the row is the node's
// whole content, so the node ends exactly as create_nodes makes it. Properties and
// sources are updated in place; only a node that still holds a property the row lacks
// (one a source no longer gives) is rewritten whole, as rewriting every node costs ~1.5x.
UNWIND $rows AS row
MERGE (n:__LABEL__ {__KEY__: row.key})
SET n += row.props, n.sources = row.sources
WITH n, row
WHERE any(k IN keys(n) WHERE NOT k IN keys(row.props) AND NOT k IN ['__KEY__', 'sources'])
SET n = row.props, n.__KEY__ = row.key, n.sources = row.sources
