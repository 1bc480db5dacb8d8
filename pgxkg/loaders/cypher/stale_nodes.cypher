// Keys of nodes of one label whose every source is one of the rebuilt sources (any version).
// The placeholders come from the schema declaration only.
MATCH (n:__LABEL__)
WHERE size(n.sources) > 0 AND all(s IN n.sources WHERE split(s, '@')[0] IN $names)
RETURN n.__KEY__ AS key
