// Who holds the build lock (host, pid, started_at), if anyone.
MATCH (l:BuildLock {id: 'build'}) RETURN l {.*} AS l
