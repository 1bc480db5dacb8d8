"""Sources -> canonical records -> Neo4j. One adapter module per source, one writer."""
