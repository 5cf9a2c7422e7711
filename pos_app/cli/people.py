"""`pos-app users` and `pos-app set-pin`, and who the command line acts as."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING

from pos_app.cli.input import UsageError
from pos_app.cli.output import print_json
from pos_app.domain.people import Actor, Role
from pos_app.domain.text import bounded, strip_forbidden
from pos_app.i18n import gettext

if TYPE_CHECKING:  # the app (SQLAlchemy, Alembic, stripe) loads only when a command needs it
    from pos_app.app import AppContext


def cli_actor() -> Actor:
    """Who the command line acts as: a manager named after the login (see CLI_TRUST)."""
    try:
        login = getpass.getuser()
    except (KeyError, OSError):  # no user name known for this uid (containers)
        login = "unknown"
    # The login comes from $LOGNAME/$USER: no control characters, and it fits the 120
    # characters an actor's name has in the audit log.
    login = bounded(strip_forbidden(login), 100) or "unknown"
    return Actor(None, f"command line ({login})", Role.MANAGER)


def users(ctx: AppContext, args: argparse.Namespace) -> int:
    """List every account, inactive ones too."""
    members = ctx.people.list_users(include_inactive=True)
    if args.json:
        print_json(
            {
                "users": [
                    {
                        "id": m.id,
                        "name": m.name,
                        "role": m.role.value,
                        "active": m.active,
                        "takes_bookings": m.takes_bookings,
                    }
                    for m in members
                ]
            }
        )
    elif not members:
        print(
            gettext("No accounts yet: the desktop app asks for the manager account on first run.")
        )
    for m in members if not args.json else []:
        state = "" if m.active else "  " + gettext("(inactive)")
        print(f"{m.name:<30} {m.role.label}{state}")
    return 0


def set_pin(ctx: AppContext, args: argparse.Namespace) -> int:
    """Give an account a new PIN, asked twice (two lines on a pipe)."""
    from pos_app.services.people import UserForm

    wanted = " ".join(args.name.split()).casefold()
    member = next(
        (m for m in ctx.people.list_users(include_inactive=True) if m.name.casefold() == wanted),
        None,
    )
    if member is None:
        raise UsageError(
            gettext("there is no account named {name} (see `pos-app users`)").format(
                name=repr(args.name)
            )
        )
    if sys.stdin.isatty():
        pin = getpass.getpass(gettext("New PIN for {name}: ").format(name=member.name))
        again = getpass.getpass(gettext("The same PIN again: "))
    else:
        pin, again = (sys.stdin.readline().strip() for _ in range(2))
    form = UserForm(
        name=member.name,
        role=member.role,
        pin=pin,
        pin_again=again,
        active=member.active,
        takes_bookings=member.takes_bookings,
    )
    ctx.people.update_user(member.id, form)
    print(gettext("{name} has a new PIN and can sign in now.").format(name=member.name))
    return 0
