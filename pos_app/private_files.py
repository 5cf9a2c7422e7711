"""The data folder is private to the account that runs the app: 0700, its files 0600.

It holds customers, the audit log, PIN hashes and (where there is no keyring) secrets, so no
other local account may read it. The process umask makes every file created afterwards
private from its first byte (SQLite's WAL and SHM files, logs, exports); files left by an
older version are tightened once at start.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
PRIVATE_UMASK = 0o077


def ensure_private_dir(data_dir: Path) -> Path:
    """Create ``data_dir`` as 0700 (or tighten it) and make new files of this process 0600.

    Files already inside it that others could read are tightened too. Returns ``data_dir``.
    """
    os.umask(PRIVATE_UMASK)
    data_dir.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    _tighten(data_dir, PRIVATE_DIR)
    for root, dirs, files in os.walk(data_dir):
        for name in dirs:
            _tighten(Path(root, name), PRIVATE_DIR)
        for name in files:
            _tighten(Path(root, name), PRIVATE_FILE)
    return data_dir


def _tighten(path: Path, mode: int) -> None:
    """Take group and other permissions away (never follows a link onto another file)."""
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode) or not stat.S_IMODE(info.st_mode) & 0o077:
            return
        path.chmod(stat.S_IMODE(info.st_mode) & mode)
        log.info("data.permissions_tightened path=%s", path.name)
    except OSError as err:  # gone meanwhile, or not ours: report, never stop the app
        log.warning("data.permissions_unchanged path=%s reason=%s", path.name, err.strerror)
