"""The database's refusal of a second row (domain/errors.py ``DuplicateError``): its sentence
is shown as is, and its rule tells the service which field to blame (customers.py)."""

from __future__ import annotations

import pytest

from pos_app.domain.errors import DuplicateError, PosError

SENTENCE = "Another station has just saved the same."


def test_a_duplicate_carries_its_sentence_and_the_rule_it_broke() -> None:
    with pytest.raises(PosError) as refused:
        raise DuplicateError(SENTENCE, "customer_email")
    err = refused.value
    assert isinstance(err, DuplicateError)
    assert str(err) == SENTENCE
    assert err.message == SENTENCE
    assert err.rule == "customer_email"
