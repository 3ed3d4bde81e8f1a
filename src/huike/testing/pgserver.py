"""A throwaway PostgreSQL server from the local binaries, for tests and benchmarks.

pg_ctl refuses to run as root, so when we are root the server runs as the
`postgres` system user. The server listens on 127.0.0.1 only and is stopped at exit.
"""
from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass
class PgServer:
    datadir: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        if self.datadir.exists():
            _run(["pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "stop"], check=False)
            shutil.rmtree(self.datadir.parent, ignore_errors=True)


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def _run(cmd: list[str], check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(_as_postgres(cmd), check=check, capture_output=True, text=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(*, fsync: bool = False, extra: str = "") -> PgServer:
    root = Path(tempfile.mkdtemp(prefix="huike-pg-"))
    datadir = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    _run(["initdb", "-D", str(datadir), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"])
    port = _free_port()
    opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync={'on' if fsync else 'off'} " \
           f"-c synchronous_commit=off -c full_page_writes=off {extra}"
    proc = _run(["pg_ctl", "-D", str(datadir), "-o", opts, "-l", str(root / "log"), "-w", "start"], check=False)
    if proc.returncode != 0:
        log = (root / "log").read_text() if (root / "log").exists() else ""
        raise RuntimeError(f"PostgreSQL did not start: {proc.stderr}\n{log}")
    server = PgServer(datadir=datadir, port=port)
    atexit.register(server.stop)
    return server
