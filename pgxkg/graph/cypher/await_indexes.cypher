// Block until every index is online (at most 300 s).
CALL db.awaitIndexes(300)
