// Delete nodes of one label by key, with their relationships.
UNWIND $keys AS key
MATCH (n:__LABEL__ {__KEY__: key})
DETACH DELETE n
