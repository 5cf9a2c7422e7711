"""A throwaway PostgreSQL server for the tests (issue 13's first brick).

The machine image (and CI) has PostgreSQL 15's ``initdb``/``pg_ctl``/``postgres``. Both
refuse to run as root, and CI runs as root, so there the server runs as an unprivileged OS
user (``postgres`` when it exists, else ``nobody``) through ``runuser``, with its data in a
temporary directory that user owns. It listens on 127.0.0.1 on a free port (no Unix socket)
and trusts local connections: it lives for one test session and holds nothing real.

``pytest-postgresql`` was considered: it calls ``pg_ctl`` as the current user and has no
way to run it as another one (its issues #341 and #455), so under root it cannot start.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

#: Where the image installs PostgreSQL 15's programs; PATH is searched as well.
PG_BIN_DIRS = ("/usr/local/bin", "/usr/lib/postgresql/15/bin")
#: The OS accounts tried, in order, when the tests run as root.
UNPRIVILEGED_USERS = ("postgres", "nobody")
START_TIMEOUT_SECONDS = 60


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL can be started here; the message names what is missing."""


@dataclass
class PostgresServer:
    """A running server: its SQLAlchemy admin URL (database ``postgres``) and how to stop it."""

    admin_url: str
    data_dir: Path
    pg_ctl: str
    run_as: str | None

    def url_for(self, database: str) -> str:
        """The SQLAlchemy URL of one database on this server."""
        return self.admin_url.rsplit("/", 1)[0] + f"/{database}"

    def stop(self) -> None:
        """Stop the server at once and delete its files."""
        try:
            _run(self.run_as, [self.pg_ctl, "stop", "-D", str(self.data_dir), "-m", "immediate"])
        finally:
            shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def find_program(name: str) -> str | None:
    """The path of one PostgreSQL program, or None."""
    for folder in PG_BIN_DIRS:
        path = Path(folder) / name
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    return shutil.which(name)


def start_server() -> PostgresServer:
    """initdb a fresh cluster in a temporary directory and start it; PostgresUnavailable
    (naming the missing program or account) when that cannot be done here."""
    programs = {name: find_program(name) for name in ("initdb", "pg_ctl", "postgres")}
    missing = [name for name, path in programs.items() if path is None]
    if missing:
        raise PostgresUnavailable(
            f"PostgreSQL's {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not "
            "installed (looked in "
            f"{', '.join(PG_BIN_DIRS)} and on PATH)."
        )
    initdb, pg_ctl = str(programs["initdb"]), str(programs["pg_ctl"])
    run_as = _unprivileged_user() if os.geteuid() == 0 else None
    # /tmp, not pytest's tmp_path: pytest makes that 0700 for root, which the server's
    # user could not enter.
    top = Path(tempfile.mkdtemp(prefix="pos-pg-"))
    data = top / "data"
    try:
        if run_as is not None:
            account = pwd.getpwnam(run_as)
            os.chown(top, account.pw_uid, account.pw_gid)
        _run(
            run_as,
            [
                initdb,
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--locale=C",
            ],
        )
        port = _free_port()
        options = (
            f"-h 127.0.0.1 -p {port} -k '' -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=100"
        )
        _run(
            run_as,
            [
                pg_ctl,
                "start",
                "-D",
                str(data),
                "-w",
                "-t",
                str(START_TIMEOUT_SECONDS),
                "-l",
                str(top / "server.log"),
                "-o",
                options,
            ],
        )
    except BaseException:
        shutil.rmtree(top, ignore_errors=True)
        raise
    server = PostgresServer(
        f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", data, pg_ctl, run_as
    )
    _wait_ready(server)
    return server


def _unprivileged_user() -> str:
    for name in UNPRIVILEGED_USERS:
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise PostgresUnavailable(
        "The tests run as root and PostgreSQL refuses root, but there is no "
        f"{' or '.join(UNPRIVILEGED_USERS)} account to run it as."
    )


def _run(run_as: str | None, argv: list[str]) -> None:
    if run_as is not None:
        if shutil.which("runuser") is None:
            raise PostgresUnavailable("The tests run as root, and runuser is not installed.")
        argv = ["runuser", "-u", run_as, "--", *argv]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd="/")
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {done.stderr or done.stdout}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_ready(server: PostgresServer) -> None:
    import psycopg

    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    dsn = server.admin_url.replace("postgresql+psycopg", "postgresql")
    while True:
        try:
            psycopg.connect(dsn, connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
