// One batch of nodes of one label. The placeholders are filled from the
// schema declaration only (never from data); every value arrives as a parameter.
// $rebuilt: names of the sources this build loads again. A source among them that no longer gives
// the node leaves its `sources`; a node that only rebuilt sources vouch for gets exactly this
// build's properties (nothing a source stopped saying lingers), others gain them. Any version of a
// source the row names is replaced by the row's, so an upgraded source is not cited twice.
UNWIND $rows AS row
MERGE (n:__LABEL__ {__KEY__: row.key})
WITH n, row, [s IN coalesce(n.sources, [])
                 WHERE NOT split(s, '@')[0] IN [t IN row.sources | split(t, '@')[0]] + $rebuilt] AS others
FOREACH (_ IN CASE WHEN size(others) = 0 THEN [1] ELSE [] END | SET n = row.props)
SET n += row.props, n.__KEY__ = row.key, n.sources = others + row.sources
