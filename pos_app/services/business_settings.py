"""The business's settings in the database (shared by every station): where each is stored,
reading them at start, the database's mode, and the checks for the receipt details
(address, tax id) and the logo, which is copied into the data folder."""

from __future__ import annotations

import hashlib
import logging
import shutil
from collections.abc import Mapping
from pathlib import Path

from pos_app.config import Config, Mode
from pos_app.domain import locale_format as lf
from pos_app.domain import text
from pos_app.domain.errors import PosError
from pos_app.domain.ports import UnitOfWorkFactory
from pos_app.i18n import N_, gettext

log = logging.getLogger(__name__)

BUSINESS_KEYS: dict[str, str] = {
    "business_name": "business.name",
    "currency": "business.currency",
    "timezone": "business.timezone",
    "hold_minutes": "business.hold_minutes",
    "success_url": "business.success_url",
    "address": "business.address",
    "tax_id": "business.tax_id",
    "logo_path": "business.logo",
}
# The mode a database was created in: live records never share a database with test ones.
DATABASE_MODE_KEY = "database.mode"

MAX_ADDRESS = 300
MAX_ADDRESS_LINES = 5  # what fits at the top of a receipt
MAX_TAX_ID = 40
MAX_LOGO_BYTES = 2 * 1024 * 1024
LOGO_FOLDER = "branding"  # inside the data folder
# An image's first bytes, by the file name endings the logo may have.
LOGO_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}


class DatabaseModeError(PosError):
    """The database was created in another mode than the one the app runs in."""


def ensure_database_mode(uow: UnitOfWorkFactory, mode: Mode, where: str) -> None:
    """Remember the mode a new database is created in; refuse a database of another mode."""
    try:
        with uow(write=True) as work:
            stored = work.events.get_setting(DATABASE_MODE_KEY)
            if stored is None:
                work.events.set_setting(DATABASE_MODE_KEY, mode)
                work.commit()
                log.info("database.mode set=%s", mode)
                return
    except Exception:
        # Two stations opening a fresh shared database at once: the other one's row won
        # (a duplicate key here). Read what it stored; anything else is a real failure.
        with uow() as work:
            stored = work.events.get_setting(DATABASE_MODE_KEY)
        if stored is None:
            raise
    if stored != mode:
        sentence = _OTHER_MODE.get((stored, mode))
        if sentence is None:  # a mode word no version of the app writes: said as stored
            raise DatabaseModeError(
                gettext(
                    "The database {where} holds records of another mode ({stored}); point "
                    "POS_DATABASE_URL at this mode's database (or unset it)."
                ).format(where=where, stored=stored)
            )
        raise DatabaseModeError(gettext(sentence).format(where=where))


# One whole sentence per (stored, chosen) pair: a translator names each mode the way the rest
# of the app does ("Sandbox", "Testmodus", "Live-Modus"), never an English word pasted in.
_OTHER_MODE: dict[tuple[str, str], str] = {
    ("sandbox", "test"): N_(
        "The database {where} holds sandbox mode records, but the app is in test mode. Each "
        "mode keeps its own database so real payments never mix with test ones: point "
        "POS_DATABASE_URL at the test mode database (or unset it), or switch back to sandbox "
        "mode."
    ),
    ("sandbox", "live"): N_(
        "The database {where} holds sandbox mode records, but the app is in live mode. Each "
        "mode keeps its own database so real payments never mix with test ones: point "
        "POS_DATABASE_URL at the live mode database (or unset it), or switch back to sandbox "
        "mode."
    ),
    ("test", "sandbox"): N_(
        "The database {where} holds test mode records, but the app is in sandbox mode. Each "
        "mode keeps its own database so real payments never mix with test ones: point "
        "POS_DATABASE_URL at the sandbox mode database (or unset it), or switch back to test "
        "mode."
    ),
    ("test", "live"): N_(
        "The database {where} holds test mode records, but the app is in live mode. Each "
        "mode keeps its own database so real payments never mix with test ones: point "
        "POS_DATABASE_URL at the live mode database (or unset it), or switch back to test "
        "mode."
    ),
    ("live", "sandbox"): N_(
        "The database {where} holds live mode records, but the app is in sandbox mode. Each "
        "mode keeps its own database so real payments never mix with test ones: point "
        "POS_DATABASE_URL at the sandbox mode database (or unset it), or switch back to live "
        "mode."
    ),
    ("live", "test"): N_(
        "The database {where} holds live mode records, but the app is in test mode. Each "
        "mode keeps its own database so real payments never mix with test ones: point "
        "POS_DATABASE_URL at the test mode database (or unset it), or switch back to live "
        "mode."
    ),
}


def read_business(uow: UnitOfWorkFactory) -> dict[str, str]:
    """The business settings stored in the database, by setting name (absent when unset)."""
    with uow() as work:
        values = {name: work.events.get_setting(key) for name, key in BUSINESS_KEYS.items()}
    return {name: value for name, value in values.items() if value is not None}


def layer_business(config: Config, stored: Mapping[str, str]) -> Config:
    """``config`` with the database's business settings where the environment is silent."""
    hold = stored.get("hold_minutes")
    return config.with_business(
        business_name=stored.get("business_name"),
        currency=stored.get("currency"),
        timezone=stored.get("timezone"),
        hold_minutes=int(hold) if hold and hold.isdigit() else None,
        success_url=stored.get("success_url"),
        address=stored.get("address"),
        tax_id=stored.get("tax_id"),
        logo=stored.get("logo_path"),
    )


def clean_address(address: str) -> str:
    """The address as stored: Windows line ends made LF, each line trimmed, no blank lines
    at either end."""
    lines = address.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.strip() for line in lines).strip("\n")


def address_problem(address: str) -> str | None:
    """The sentence refusing an address (control characters, too long), or None."""
    if text.has_forbidden(address, multiline=True) or "\t" in address:
        return gettext(
            "The address has an invisible control character in it (it often comes with "
            "pasted text). Type it again by hand."
        )
    if len(address) > MAX_ADDRESS:
        return gettext("Keep the address to {limit} characters or fewer.").format(limit=MAX_ADDRESS)
    if address.count("\n") >= MAX_ADDRESS_LINES:
        return gettext(
            "Keep the address to {count} lines or fewer, so it fits on a receipt."
        ).format(count=MAX_ADDRESS_LINES)
    return None


def tax_id_problem(tax_id: str) -> str | None:
    """The sentence refusing a tax id (control characters, too long), or None."""
    return text.name_problem(tax_id, "tax id", limit=MAX_TAX_ID)


def logo_problem(path: str) -> str | None:
    """The sentence refusing a logo file (missing, too big, not a PNG or JPEG), or None."""
    source = Path(path)
    ending = source.suffix.lower()
    if ending not in LOGO_SIGNATURES:
        return gettext("Choose a PNG or JPEG picture for the logo.")
    unreadable = gettext("The logo file {file} could not be read; choose it again.").format(
        file=source.name
    )
    try:
        if not source.is_file():
            return unreadable
        size = source.stat().st_size
        with source.open("rb") as handle:
            head = handle.read(8)
    except OSError:
        return unreadable
    if size > MAX_LOGO_BYTES:
        limit = MAX_LOGO_BYTES // (1024 * 1024)
        return gettext("The logo is {size} KB; choose a picture under {limit} MB.").format(
            size=lf.number(size // 1024), limit=limit
        )
    if not head.startswith(LOGO_SIGNATURES[ending]):
        return gettext("{file} is not a {kind} picture; choose a PNG or JPEG.").format(
            file=source.name, kind=ending[1:].upper()
        )
    return None


def logo_destination(data_dir: Path, source: str) -> Path:
    """Where the logo chosen at ``source`` is kept: the data folder, named by its content,
    so a new picture gets a new path (whoever shows it notices the change)."""
    path = Path(source)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return data_dir / LOGO_FOLDER / f"logo-{digest}{path.suffix.lower()}"


def keep_logo(source: str, destination: Path) -> None:
    """Copy the chosen picture into the data folder (nothing when it is there already)."""
    if Path(source).resolve() == destination.resolve() or destination.exists():
        return
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, destination)
