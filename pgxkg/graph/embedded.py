"""The embedded default: a real Neo4j resolved from Maven Central, run by Java.

The launcher (``neo4j_launcher/``: a pom and one Java class) is copied into the
per-user cache and built there with Maven, so jars are cached per user
(~/.m2) and the checkout stays clean. The server runs as a detached process
bound to 127.0.0.1; its pid, log, password and data live in
``Settings.embedded_dir``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

from pgxkg.errors import PgxkgError, ToolMissing
from pgxkg.settings import Settings

LAUNCHER_FILES = ("pom.xml", "src/main/java/pgxkg/EmbeddedNeo4j.java")
MAIN_CLASS = "pgxkg.EmbeddedNeo4j"
START_TIMEOUT_S = 180.0
STOP_TIMEOUT_S = 60.0


@dataclass
class ServerState:
    pid: int
    uri: str
    home: str
    log: str
    version: str
    started_at: float


def _require(tool: str, install_hint: str) -> str:
    path = shutil.which(tool)
    if not path:
        raise ToolMissing(f"`{tool}` was not found on PATH.", f"install it: {install_hint}")
    return path


def _launcher_source() -> Path:
    return Path(str(resources.files("pgxkg.graph") / "neo4j_launcher"))


def _launcher_digest(src: Path) -> str:
    digest = hashlib.sha256()
    for name in LAUNCHER_FILES:
        digest.update((src / name).read_bytes())
    return digest.hexdigest()[:16]


def build_launcher(settings: Settings) -> tuple[Path, str]:
    """Compile the launcher and resolve Neo4j's jars; returns (classes dir, classpath).

    Cached by the launcher's content hash, so this is a no-op after the first run.
    """
    java = _require("java", "a Java 17+ runtime, e.g. `apt-get install openjdk-17-jdk-headless`")
    del java
    src = _launcher_source()
    work = settings.cache / "neo4j-launcher" / _launcher_digest(src)
    classpath_file = work / "target" / "classpath.txt"
    classes = work / "target" / "classes"
    if classpath_file.exists() and (classes / "pgxkg" / "EmbeddedNeo4j.class").exists():
        return classes, classpath_file.read_text().strip()
    mvn = _require("mvn", "Apache Maven, e.g. `apt-get install maven`")
    for name in LAUNCHER_FILES:
        target = work / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / name, target)
    command = [
        mvn, "-B", "-q", "compile", "dependency:build-classpath",
        f"-Dmdep.outputFile={classpath_file}",
    ]
    result = subprocess.run(command, cwd=work, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not classpath_file.exists():
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise PgxkgError(
            f"Maven could not resolve Neo4j from Maven Central (exit {result.returncode}):\n{tail}",
            f"check network access to Maven Central and your ~/.m2/settings.xml; ran in {work}",
        )
    return classes, classpath_file.read_text().strip()


def _state_file(settings: Settings) -> Path:
    return settings.embedded_dir / "server.json"


def read_state(settings: Settings) -> ServerState | None:
    path = _state_file(settings)
    if not path.exists():
        return None
    try:
        return ServerState(**json.loads(path.read_text()))
    except (ValueError, TypeError):
        return None


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid is running here (a zombie counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child still answers kill(0); treat it as gone.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def _port_open(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def running_state(settings: Settings) -> ServerState | None:
    """The state of our server if its process is alive, else None (stale state removed)."""
    state = read_state(settings)
    if state and pid_alive(state.pid):
        return state
    if state:
        _state_file(settings).unlink(missing_ok=True)
    return None


def ensure_password(settings: Settings) -> str:
    """NEO4J_PASSWORD if set, else a password generated once and kept with mode 600."""
    path = settings.password_file
    path.parent.mkdir(parents=True, exist_ok=True)
    if settings.password:
        password = settings.password
    elif path.exists():
        return path.read_text().strip()
    else:
        password = secrets.token_urlsafe(24)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(password + "\n")
    os.chmod(path, 0o600)
    return password


def _log_tail(log: Path, lines: int = 20) -> str:
    if not log.exists():
        return ""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def start(settings: Settings) -> tuple[ServerState, bool]:
    """Start the embedded server; returns (state, started_now). No-op if running."""
    state = running_state(settings)
    if state:
        return state, False
    if _port_open(settings.bolt_host, settings.bolt_port):
        raise PgxkgError(
            f"Port {settings.bolt_port} on {settings.bolt_host} is already taken by another program.",
            "stop it, choose another port with PGXKG_BOLT_PORT, or point NEO4J_URI at that server",
        )
    classes, classpath = build_launcher(settings)
    ensure_password(settings)
    data_home = settings.embedded_dir / "dbms"
    data_home.mkdir(parents=True, exist_ok=True)
    log = settings.embedded_dir / "neo4j.log"
    command = [
        "java", f"-Xmx{settings.heap}", "-XX:+UseG1GC",
        "-cp", f"{classes}{os.pathsep}{classpath}", MAIN_CLASS,
        str(data_home), settings.bolt_host, str(settings.bolt_port), str(settings.password_file),
    ]
    with open(log, "ab") as log_handle:
        process = subprocess.Popen(
            command, stdout=log_handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise PgxkgError(
                f"Neo4j exited during start (code {process.returncode}). Last log lines:\n"
                f"{_log_tail(log)}",
                f"full log: {log}",
            )
        if _port_open(settings.bolt_host, settings.bolt_port) and "listening on" in _log_tail(log, 5):
            break
        time.sleep(0.25)
    else:
        process.kill()
        raise PgxkgError(f"Neo4j did not answer within {START_TIMEOUT_S:.0f}s.", f"see {log}")
    version = _version_from_log(log)
    state = ServerState(
        pid=process.pid, uri=settings.effective_uri, home=str(settings.embedded_dir),
        log=str(log), version=version, started_at=time.time(),
    )
    _state_file(settings).write_text(json.dumps(asdict(state), indent=2))
    return state, True


def _version_from_log(log: Path) -> str:
    for line in reversed(_log_tail(log, 50).splitlines()):
        if "pgxkg-embedded: Neo4j " in line:
            return line.split("Neo4j ", 1)[1].split()[0]
    return "unknown"


def stop(settings: Settings) -> ServerState | None:
    """Stop the embedded server cleanly (SIGTERM, then SIGKILL after a timeout)."""
    state = running_state(settings)
    if not state:
        return None
    os.kill(state.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while time.monotonic() < deadline and pid_alive(state.pid):
        time.sleep(0.2)
    if pid_alive(state.pid):
        os.kill(state.pid, signal.SIGKILL)
    _reap(state.pid)
    _state_file(settings).unlink(missing_ok=True)
    return state


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
