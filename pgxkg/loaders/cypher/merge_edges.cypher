// One batch of relationships of one type between two labels. The placeholders come
// from the schema declaration only; every value arrives as a parameter.
// $rebuilt: as in merge_nodes (a relationship only rebuilt sources vouch for gets exactly this
// build's properties and sources); any version of a source the row names is replaced by the row's.
UNWIND $rows AS row
MATCH (a:__START__ {__START_KEY__: row.start})
MATCH (b:__END__ {__END_KEY__: row.end})
MERGE (a)-[r:__TYPE__]->(b)
WITH r, row, [s IN coalesce(r.sources, [])
                 WHERE NOT split(s, '@')[0] IN [t IN row.sources | split(t, '@')[0]] + $rebuilt] AS others
FOREACH (_ IN CASE WHEN size(others) = 0 THEN [1] ELSE [] END | SET r = row.props)
SET r += row.props, r.sources = others + row.sources
