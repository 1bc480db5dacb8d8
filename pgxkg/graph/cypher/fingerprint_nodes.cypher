// Every node but the build lock, with its labels and properties (what the fingerprint hashes).
MATCH (n) WHERE NOT n:BuildLock
RETURN labels(n) AS labels, properties(n) AS props
