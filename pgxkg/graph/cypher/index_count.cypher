// How many indexes the database has, token lookup indexes left out.
SHOW INDEXES YIELD type WHERE type <> 'LOOKUP' RETURN count(*) AS n
