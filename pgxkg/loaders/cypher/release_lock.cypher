// Release the build lock.
MATCH (l:BuildLock {id: 'build'}) DELETE l
