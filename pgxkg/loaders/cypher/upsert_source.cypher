MERGE (s:Source {id: $id})
SET s += $props, s.sources = [$id]
