// One batch of relationships of one type between two labels, in a build of some of the
// sources. The placeholders come from the schema declaration only; every value arrives
// as a parameter. As merge_nodes: other sources' properties kept, versions replaced.
UNWIND $rows AS row
MATCH (a:__START__ {__START_KEY__: row.start})
MATCH (b:__END__ {__END_KEY__: row.end})
MERGE (a)-[r:__TYPE__]->(b)
SET r += row.props,
    r.sources = [s IN coalesce(r.sources, [])
                 WHERE NOT split(s, '@')[0] IN [t IN row.sources | split(t, '@')[0]]] + row.sources
