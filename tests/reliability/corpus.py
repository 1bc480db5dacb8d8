"""Hostile values: Cypher injection, escapes, control and unicode edge cases, odd numbers."""

from __future__ import annotations

INJECTION = [
    "' OR 1=1 //",
    '" OR 1=1 //',
    "') OR 1=1 //",
    '"}) MATCH (n) DETACH DELETE n //',
    "'}) MATCH (n) DETACH DELETE n //",
    "CYP2C19'}) RETURN 1 UNION MATCH (n) RETURN n //",
    'CYP2C19"}) RETURN 1 AS n UNION MATCH (s:Source) RETURN s AS n //',
    "CYP2C19' }) WITH 1 AS x MATCH (n) SET n.pwned = true //",
    "x` MATCH (n) DETACH DELETE n //",
    "`",
    "``",
    "\\`) DETACH DELETE n //",
    "$param",
    "${symbol}",
    "{symbol}",
    "CALL dbms.security.listUsers()",
    "CALL dbms.killQueries(['1'])",
    "CALL db.labels() YIELD label RETURN label",
    "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
    "CREATE (:Pwned {x: 1})",
    "MATCH (n) DETACH DELETE n",
    "; DROP DATABASE neo4j",
    "/* */ MATCH (n) RETURN n",
    "\\",
    "\\\\'",
    "'",
    '"',
    "%",
    "*",
    "_",
    ".*",
    "~'.*'",
    "CYP2C19 *2/*2; HLA-B *57:01 positive' OR 1=1",
    '*2/*2" }) DETACH DELETE n //',
    "../../../../etc/passwd",
    "%2e%2e%2f%2e%2e%2f",
    "<script>alert(1)</script>",
    "${jndi:ldap://127.0.0.1/a}",
    "{{7*7}}",
]
CONTROL = ["\\u0000", "\x00", "CYP2C19\x00' OR 1=1", "\n", "\r\n", "\t", "\x1b[31m", "\x7f"]
UNICODE = [
    "\u202eCYP2C19",  # right-to-left override
    "CYP\u200b2C19",  # zero-width space
    "\ufeffCYP2C19",  # byte-order mark
    "CYP2C19\u0301",  # combining acute accent
    "e\u0301" * 60,
    "\U0001f48a\U0001f9ec",  # pill, DNA
    "\U0001f600" * 100,
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # a ZWJ family
    "\uff23\uff39\uff30\uff12\uff23\uff11\uff19",  # full-width CYP2C19
    "\u0130stanbul",
    "stra\u00dfe",
    "\u05e9\u05dc\u05d5\u05dd CYP2C19",  # Hebrew
    "\ud800",  # a lone surrogate: not UTF-8 at all
    "\U0010ffff",
]
NUMBERS = ["NaN", "Infinity", "-Infinity", "1e309", "-1", "0", "99999999999999999999999", "1.5", "0x10",
           "true", "null", "[]", "{}"]
LONG = ["A" * 201, "A" * 10_000, "CYP2C19 " * 2_500]

CORPUS: list[str] = INJECTION + CONTROL + UNICODE + NUMBERS + LONG

# Raw JSON bodies no json.dumps would write: non-standard numbers, huge ints, bad UTF-8, nesting.
RAW_NUMBER_BODIES = [b'{"CYP2D6": NaN}', b'{"CYP2D6": Infinity}', b'{"CYP2D6": -Infinity}',
                     b'{"CYP2D6": 1e309}', b'{"CYP2D6": 1e-400}', b'{"CYP2D6": ' + b"9" * 5000 + b"}",
                     b'{"CYP2D6": 1.5}', b'{"CYP2D6": -0.0}']
BAD_UTF8_BODIES = [b'{"CYP2C19": "\xff\xfe"}', b'{"\xed\xa0\x80": "*1/*1"}', b"\xef\xbb\xbf{}"]


def nested_object(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


def nested_array(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth
