// Dropped when its labels or properties differ from the declaration; apply_schema creates it again.
DROP INDEX entity_search IF EXISTS
