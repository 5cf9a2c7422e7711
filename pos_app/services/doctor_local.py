"""The parts of `pos-app doctor` that look only at this computer: the data folder's
permissions and the local webhook receiver's port.

Stdlib only (``os``, ``socket``, ``http.client``): reading a folder's mode or knocking on a
local port needs no adapter. Nothing here changes anything: it reports.
"""

from __future__ import annotations

import enum
import http.client
import os
import socket
import stat
from dataclasses import dataclass
from pathlib import Path

from pos_app.i18n import gettext, ngettext

# The receiver's one route (pos_app.sync.webhook_server.PATH; services may not import sync).
WEBHOOK_PATH = "/stripe/webhook"
MAX_NAMED = 3  # files named in a sentence; the rest are counted


class PortState(enum.Enum):
    """What answers on the webhook receiver's local port."""

    FREE = "free"  # nothing: the receiver can start there
    RECEIVER = "receiver"  # this app's receiver (the route exists and wants POST)
    OTHER = "other"  # some other program holds the port


@dataclass(frozen=True)
class Privacy:
    """How private the data folder is: the folder's mode and the files others can read."""

    folder: Path
    folder_mode: int | None  # None: the folder does not exist yet
    exposed: tuple[str, ...]  # relative paths of files with any group/other permission

    @property
    def ok(self) -> bool:
        """The folder is 0700 (or stricter) and no file is readable by anyone else."""
        return self.folder_mode is not None and not self.folder_mode & 0o077 and not self.exposed

    def sentence(self) -> str:
        """One sentence saying what was found (what to do, when something is open)."""
        if self.folder_mode is None:
            return gettext("The data folder {folder} does not exist yet.").format(
                folder=self.folder
            )
        if self.ok:
            return gettext(
                "The data folder {folder} and its files are private to your account."
            ).format(folder=self.folder)
        # Reported, not repaired here: the app tightens it at start (private_files), so
        # what is still open belongs to another account or could not be changed.
        mode = f"{self.folder_mode:04o}"
        named = ", ".join(self.exposed[:MAX_NAMED])
        more = len(self.exposed) - MAX_NAMED
        if more > 0:
            named = ngettext("{files} and {count} more", "{files} and {count} more", more).format(
                files=named, count=more
            )
        if not self.exposed:
            text = gettext(
                "The data folder {folder} is open to other accounts (permissions {mode}, should "
                "be 0700). To fix it, run `chmod -R go-rwx {folder}`."
            )
        elif not self.folder_mode & 0o077:
            text = gettext(
                "Other accounts can read {files} (should be 0600). To fix it, run "
                "`chmod -R go-rwx {folder}`."
            )
        else:
            text = gettext(
                "The data folder {folder} is open to other accounts (permissions {mode}, should "
                "be 0700); other accounts can read {files} (should be 0600). To fix it, run "
                "`chmod -R go-rwx {folder}`."
            )
        return text.format(folder=self.folder, mode=mode, files=named)


def data_dir_privacy(folder: Path) -> Privacy:
    """The data folder's mode and every file in it (recursively) open to group or others."""
    try:
        mode = stat.S_IMODE(folder.stat().st_mode)
    except FileNotFoundError:
        return Privacy(folder, None, ())
    exposed: list[str] = []
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(root, name)
            try:
                info = path.lstat()
            except OSError:
                continue  # gone meanwhile (a SQLite -shm file)
            if stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) & 0o077:
                exposed.append(str(path.relative_to(folder)))
    return Privacy(folder, mode, tuple(sorted(exposed)))


def probe_webhook_port(port: int, host: str = "127.0.0.1", timeout: float = 2.0) -> PortState:
    """Knock on the receiver's port without delivering anything.

    A GET to the receiver's route is answered 405 by this app's receiver (it takes only POST)
    and records nothing; a refused connection means the port is free.
    """
    try:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        try:
            conn.request("GET", WEBHOOK_PATH)
            status = conn.getresponse().status
        finally:
            conn.close()
    except ConnectionRefusedError:
        return PortState.FREE
    except (OSError, http.client.HTTPException):
        return _bound_elsewhere(port, host)
    return PortState.RECEIVER if status == 405 else PortState.OTHER


def _bound_elsewhere(port: int, host: str) -> PortState:
    """Something took the connection but spoke no HTTP: free only if we can bind the port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return PortState.OTHER
    return PortState.FREE
