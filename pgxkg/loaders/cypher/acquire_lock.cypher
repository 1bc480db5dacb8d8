// Fails with a constraint error when another build holds the lock.
CREATE (l:BuildLock {id: 'build'})
SET l.host = $host, l.pid = $pid, l.started_at = $started_at
