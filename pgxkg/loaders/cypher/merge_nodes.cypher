// One batch of nodes of one label. The placeholders are filled from the
// schema declaration only (never from data); every value arrives as a parameter.
UNWIND $rows AS row
MERGE (n:__LABEL__ {__KEY__: row.key})
SET n += row.props,
    n.sources = [s IN coalesce(n.sources, []) WHERE NOT s IN row.sources] + row.sources
