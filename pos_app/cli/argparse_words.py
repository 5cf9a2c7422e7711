"""argparse's own words ("usage:", "options", "the following arguments are required") in the
UI language, from the app's catalog.

argparse looks its words up with ``gettext.gettext`` in the default domain, for which no
catalog is installed, so ``pos-app --help`` and its refusals had English frames around the
app's translated help. :func:`install` points argparse's two lookups at the app's catalog; the
words argparse says to a person are marked here so ``make translations`` extracts them (the
rest, programming errors in building a parser, stay English). Their ``%`` formats are
argparse's and stay exactly as written in every translation.
"""

from __future__ import annotations

import argparse

from pos_app.i18n import N_, N_plural, gettext, ngettext

WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("%(prog)s: error: %(message)s\n"),
)
PLURAL_WORDS = (N_plural("expected %s argument", "expected %s arguments"),)


def install() -> None:
    """Make argparse say its words in the language in use (call before building a parser:
    the group titles and ``-h``'s help are looked up when the parser is made)."""
    argparse._ = gettext  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]
