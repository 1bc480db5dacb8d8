// Every gene symbol, for suggestions when an input names an unknown gene.
MATCH (g:Gene) RETURN g.symbol AS symbol
