"""A PostgreSQL database's backup: ``pg_dump --format=custom``, restored with ``pg_restore``.

The password never appears on pg_dump's command line (where any local account could read it
from the process list): it goes in the ``PGPASSWORD`` variable of pg_dump's own environment,
and a ``~/.pgpass`` file works as libpq always allows.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

from sqlalchemy import make_url

from pos_app.domain.errors import PosError

# Connection settings libpq reads from a URL's query (?sslmode=require) that pg_dump needs too.
_CONNINFO_KEYS = ("sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout")


def find_pg_dump() -> str | None:
    """pg_dump's path when it is on PATH."""
    return shutil.which("pg_dump")


def conninfo(url: str) -> str:
    """A libpq connection string for ``url`` without its password (safe to show)."""
    parsed = make_url(url)
    parts = {
        "host": parsed.host,
        "port": str(parsed.port) if parsed.port else None,
        "user": parsed.username,
        "dbname": parsed.database,
    }
    for key in _CONNINFO_KEYS:
        value = parsed.query.get(key)
        if isinstance(value, str):
            parts[key] = value
    return " ".join(f"{k}={_quote(v)}" for k, v in parts.items() if v)


def how_to(url: str) -> str:
    """The sentence for a computer without pg_dump: what to install and what to run."""
    return (
        "pg_dump is not installed on this computer, so the database server's data was not "
        "backed up; install the PostgreSQL client tools and run pos-app backup again, or run "
        f"on any computer that has them: pg_dump --format=custom --file=pos.dump "
        f'"{conninfo(url)}" (with the password in PGPASSWORD or ~/.pgpass).'
    )


def dump(url: str, target: Path, program: str) -> int:
    """Write a custom-format dump of ``url`` to ``target`` (which must not exist), 0600.

    Returns its size in bytes; PosError with pg_dump's own last words when it fails.
    """
    if os.path.lexists(target):
        raise FileExistsError(target)
    password = make_url(url).password
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = str(password)
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.partial")
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        done = subprocess.run(
            [
                program,
                "--format=custom",
                "--no-password",  # never stop to ask on a terminal: PGPASSWORD or ~/.pgpass
                f"--file={partial}",
                f"--dbname={conninfo(url)}",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            said = (done.stderr.strip().splitlines() or ["no reason given"])[-1]
            raise PosError(f"pg_dump could not back up the database: {said}")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target.stat().st_size


def _quote(value: str) -> str:
    """A libpq connection-string value: quoted when it holds a space or a quote."""
    if value and not any(ch.isspace() or ch in "'\\" for ch in value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
