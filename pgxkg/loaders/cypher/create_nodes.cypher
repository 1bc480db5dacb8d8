// A first load of one label (it has no node yet): CREATE skips MERGE's lookup and
// lock per row. The uniqueness constraint still guards every key.
UNWIND $rows AS row
CREATE (n:__LABEL__ {__KEY__: row.key})
SET n += row.props, n.sources = row.sources
