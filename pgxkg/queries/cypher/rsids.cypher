// rsIDs with the gene they lie in (through IN_GENE, else the variant's gene property).
MATCH (v:Variant) WHERE v.id STARTS WITH 'rs'
OPTIONAL MATCH (v)-[:IN_GENE]->(g:Gene)
RETURN v.id AS rsid, coalesce(g.symbol, v.gene) AS gene
