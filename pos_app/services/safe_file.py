"""Write an export (CSV, PDF) safely: a whole new regular file or nothing.

- The target must be a regular file or not exist yet. A device (``/dev/null``, a disk), a
  pipe, a socket or a folder is refused with a sentence, and so is a symbolic link: writing
  "through" a link would replace whatever file it points at (``sales.csv`` → ``~/.bashrc``).
- The data goes to a private (0600) temporary file in the same folder, is flushed to disk
  (fsync) and only then renamed over the target, so a crash, a full disk or a failed export
  leaves the old file or no file, never half of one. A rename replaces the directory entry,
  never writes into another file, even one hard-linked to the target.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pos_app.domain.errors import PosError
from pos_app.i18n import gettext

PART_SUFFIX = ".part"


def check_target(path: Path, what: str) -> Path:
    """Raise PosError unless ``path`` may be replaced by a new ``what`` ("CSV", "PDF").

    The sentences are translated here, where the values go in (docs/translations.md).
    ``what`` is a file format's name, which no language translates or inflects, so the
    translator writes around it ("die {what}-Datei", "el archivo {what}")."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return path
    except OSError as err:
        raise _unwritable(path, what, err) from err
    mode = info.st_mode
    if stat.S_ISLNK(mode):
        raise PosError(
            gettext(
                "{path} is a link to another file, so the {what} was not saved there. "
                "Choose a new file name, or the file the link points to."
            ).format(path=path, what=what)
        )
    if stat.S_ISDIR(mode):
        raise PosError(
            gettext("{path} is a folder. Choose a file name inside it for the {what}.").format(
                path=path, what=what
            )
        )
    if not stat.S_ISREG(mode):
        raise PosError(
            gettext(
                "{path} is a device, pipe or socket, not a file, so the {what} was not saved "
                "there. Choose a file name."
            ).format(path=path, what=what)
        )
    return path


@contextlib.contextmanager
def replacing(path: Path, what: str) -> Iterator[Path]:
    """Yield a private temporary path next to ``path``; when the block ends normally, flush
    it to disk and rename it over ``path``. On any error the temporary file is removed and
    ``path`` is untouched; an OSError becomes a PosError sentence naming ``path``."""
    target = check_target(Path(path), what)
    try:
        fd, name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=PART_SUFFIX
        )
    except OSError as err:
        raise _unwritable(target, what, err) from err
    os.close(fd)
    part = Path(name)
    try:
        yield part
        _fsync(part)
        check_target(target, what)  # still not a link or device after the (long) write
        os.replace(part, target)
    except OSError as err:
        part.unlink(missing_ok=True)
        raise _unwritable(target, what, err) from err
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows cannot open a folder, and needs not."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a folder; the data itself is on disk
    finally:
        os.close(fd)


def _unwritable(path: Path, what: str, err: OSError) -> PosError:
    return PosError(
        gettext(
            "The {what} could not be written to {path}: {reason}. "
            "Check that the folder exists and that you may save files there."
        ).format(what=what, path=path, reason=err.strerror or err)
    )
