// How many uniqueness constraints the database has.
SHOW CONSTRAINTS YIELD type WHERE type = 'UNIQUENESS' RETURN count(*) AS n
