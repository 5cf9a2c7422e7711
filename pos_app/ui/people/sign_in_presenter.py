"""What the sign-in page shows, worked out without Qt: the tiles and how they are laid out,
who is preselected, the sentence shown instead of tiles, the PIN pad's prompt, picking a
person by typing the start of a name, and the countdown of a locked account."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from pos_app.i18n import N_, _
from pos_app.services.people import StaffMember
from pos_app.services.sign_in import locked_sentence

CHOOSE_PROMPT = N_("Choose your name")
NO_ACCOUNTS = N_("Welcome. There are no accounts yet: create the manager account to begin.")
ALL_INACTIVE = N_("Every account is inactive. Ask a manager to sign in.")
TWO_COLUMNS_UP_TO = 8  # more people than this get three columns of tiles


def initials(name: str) -> str:
    """'AM' for Alex Morgan, 'S' for Sam: the letters on a person's tile."""
    words = [w for w in name.split() if w[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


@dataclass(frozen=True)
class TileState:
    """One person's tile."""

    user_id: str
    name: str
    role: str
    initials: str
    tooltip: str
    accessible_name: str


@dataclass(frozen=True)
class RosterState:
    """The people side of the page: tiles, or a sentence (with a button to act on it)."""

    tiles: tuple[TileState, ...]
    columns: int
    status: str  # shown instead of the tiles ("" when there are tiles)
    offer_first_run: bool  # show "Create the manager account…"
    preselect: str | None  # the account whose PIN is asked at once


def tile_state(member: StaffMember) -> TileState:
    """The tile of ``member``."""
    return TileState(
        user_id=member.id,
        name=member.name,
        role=member.role.label,
        initials=initials(member.name),
        tooltip=_("Sign in as {name}").format(name=member.name),
        accessible_name=_("{name}, {role}").format(name=member.name, role=member.role.label),
    )


def roster_state(
    any_users: bool, members: Sequence[StaffMember], prefer: str | None = None
) -> RosterState:
    """What to show once the accounts are read: ``prefer`` (who was signed in before a lock)
    is preselected when still active; a desk with one person goes straight to the PIN."""
    if not any_users:
        return RosterState((), 0, _(NO_ACCOUNTS), True, None)
    if not members:
        return RosterState((), 0, _(ALL_INACTIVE), False, None)
    ids = [m.id for m in members]
    preselect = prefer if prefer in ids else (ids[0] if len(ids) == 1 else None)
    columns = 2 if len(members) <= TWO_COLUMNS_UP_TO else 3
    return RosterState(tuple(tile_state(m) for m in members), columns, "", False, preselect)


def pin_prompt(name: str | None) -> str:
    """The line above the PIN: whose PIN it is, or to choose a name first."""
    return _(CHOOSE_PROMPT) if name is None else _("PIN for {name}").format(name=name)


def checking_prompt(name: str) -> str:
    """The line above the PIN while it is being checked."""
    return _("Checking {name}'s PIN…").format(name=name)


def pick_by_prefix(members: Sequence[StaffMember], typed: str) -> str | None:
    """The first person whose name, or a word of it, starts with ``typed`` (any case)."""
    prefix = typed.casefold()
    if not prefix:
        return None
    for member in members:
        name = member.name.casefold()
        if name.startswith(prefix) or any(w.startswith(prefix) for w in name.split()):
            return member.id
    return None


@dataclass(frozen=True)
class LockState:
    """A locked account's countdown: seconds left (0: unlocked) and the sentence shown."""

    seconds_left: int
    sentence: str


def lock_state(locked_until: float, now: float) -> LockState:
    """The countdown at ``now`` for an account locked until ``locked_until`` (same clock)."""
    left = max(0, math.ceil(locked_until - now))
    return LockState(left, locked_sentence(left) if left else "")
