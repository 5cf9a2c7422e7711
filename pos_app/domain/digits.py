"""The refusals of digits of another script, marked for translation: in a module of their own
so that ``money`` names them without loading ``locale_format`` (and babel) at import."""

from __future__ import annotations

from pos_app.i18n import N_

__all__ = ["OTHER_DIGITS", "OTHER_DIGITS_BN"]

# Marked here, translated where the refusal is built (``locale_format.digits_problem``).
OTHER_DIGITS = N_("Type the amount with the digits 0–9.")
OTHER_DIGITS_BN = N_("Type the amount with the digits 0–9 or ০–৯.")
