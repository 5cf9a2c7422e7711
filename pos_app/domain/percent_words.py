"""The sentences refusing a typed percentage, one whole sentence per field and case.

Not "Enter the {what} as a number" with an English noun pasted in: a translator cannot give
a pasted noun its gender and case ("den Steuersatz", "das Trinkgeld", "la propina"), so each
field (``PercentWhat``) has its own sentences, all marked here and translated where
``percent.parse_percent`` puts the values in.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from pos_app.i18n import N_

#: The percentage fields a refusal can name.
PercentWhat = Literal["percentage", "tax rate", "discount", "tip", "discount limit"]


class _Refusals(NamedTuple):
    """One field's refusals (English msgids, marked; translated by the caller)."""

    enter: str  # {example}: not a number
    digits: str  # another script's digits
    digits_native: str  # the same, in a language that types its own digits too (Bangla)
    below: str  # negative
    decimals: str  # {count} decimals at most, {example}
    most: str  # {maximum} % at most


REFUSALS: dict[PercentWhat, _Refusals] = {
    "percentage": _Refusals(
        N_("Enter the percentage as a number, like {example}."),
        N_("Type the percentage with the digits 0–9."),
        N_("Type the percentage with the digits 0–9 or ০–৯."),
        N_("The percentage cannot be below 0 %."),
        N_("The percentage has at most {count} decimals, like {example}."),
        N_("The percentage can be at most {maximum} %."),
    ),
    "tax rate": _Refusals(
        N_("Enter the tax rate as a number, like {example}."),
        N_("Type the tax rate with the digits 0–9."),
        N_("Type the tax rate with the digits 0–9 or ০–৯."),
        N_("The tax rate cannot be below 0 %."),
        N_("The tax rate has at most {count} decimals, like {example}."),
        N_("The tax rate can be at most {maximum} %."),
    ),
    "discount": _Refusals(
        N_("Enter the discount as a number, like {example}."),
        N_("Type the discount with the digits 0–9."),
        N_("Type the discount with the digits 0–9 or ০–৯."),
        N_("The discount cannot be below 0 %."),
        N_("The discount has at most {count} decimals, like {example}."),
        N_("The discount can be at most {maximum} %."),
    ),
    "tip": _Refusals(
        N_("Enter the tip as a number, like {example}."),
        N_("Type the tip with the digits 0–9."),
        N_("Type the tip with the digits 0–9 or ০–৯."),
        N_("The tip cannot be below 0 %."),
        N_("The tip has at most {count} decimals, like {example}."),
        N_("The tip can be at most {maximum} %."),
    ),
    "discount limit": _Refusals(
        N_("Enter the discount limit as a number, like {example}."),
        N_("Type the discount limit with the digits 0–9."),
        N_("Type the discount limit with the digits 0–9 or ০–৯."),
        N_("The discount limit cannot be below 0 %."),
        N_("The discount limit has at most {count} decimals, like {example}."),
        N_("The discount limit can be at most {maximum} %."),
    ),
}
