// Every relationship with its type, properties and endpoints named by label and key.
MATCH (a)-[r]->(b)
RETURN type(r) AS type, properties(r) AS props,
       labels(a) AS al, coalesce(a.id, a.symbol, a.code, a.pmid) AS ak,
       labels(b) AS bl, coalesce(b.id, b.symbol, b.code, b.pmid) AS bk
