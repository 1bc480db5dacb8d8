// One batch of nodes of one label, in a build of some of the sources. The placeholders
// are filled from the schema declaration only (never from data); every value arrives as
// a parameter. Properties other sources gave are kept; in ``sources`` any version of a
// source this row names is replaced by the row's, so an upgraded source is not cited twice.
UNWIND $rows AS row
MERGE (n:__LABEL__ {__KEY__: row.key})
SET n += row.props,
    n.sources = [s IN coalesce(n.sources, [])
                 WHERE NOT split(s, '@')[0] IN [t IN row.sources | split(t, '@')[0]]] + row.sources
