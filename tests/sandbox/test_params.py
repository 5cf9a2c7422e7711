"""Bracket-form decoding and the typed readers (no server)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from pos_app.sandbox import schema
from pos_app.sandbox.errors import StripeError
from pos_app.sandbox.params import ParamReader, decode_pairs, parse_form


def test_nested_hashes_and_indexed_lists() -> None:
    raw = urlencode(
        [
            ("line_items[0][price_data][product_data][name]", "Haircut"),
            ("line_items[0][quantity]", "1"),
            ("line_items[1][quantity]", "2"),
            ("metadata[booking_id]", "b1"),
            ("expand[]", "payment_intent"),
            ("expand[]", "line_items"),
        ]
    )
    form = parse_form(raw)
    assert form["metadata"] == {"booking_id": "b1"}
    assert form["expand"] == ["payment_intent", "line_items"]
    reader = ParamReader(form)
    items = reader.reader_array("line_items")
    assert items is not None and len(items) == 2
    assert items[1].require_integer("quantity") == 2
    price = items[0].obj("price_data")
    assert price is not None
    product = price.obj("product_data")
    assert product is not None and product.require("name") == "Haircut"
    assert product.name("name") == "line_items[0][price_data][product_data][name]"


def test_numeric_keys_stay_hash_keys_for_metadata() -> None:
    reader = ParamReader(decode_pairs([("metadata[0]", "zero"), ("metadata[x]", "ex")]))
    assert reader.metadata() == {"0": "zero", "x": "ex"}


def test_indexed_lists_are_ordered_by_index_not_arrival() -> None:
    reader = ParamReader(decode_pairs([("types[1]", "b"), ("types[0]", "a"), ("types[10]", "k")]))
    assert reader.string_array("types") == ["a", "b", "k"]


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ([("a", "1"), ("a[b]", "2")], "Invalid array or hash"),
        ([("a[b]", "1"), ("a[b]", "2")], "duplicate"),
        ([("metadata[a[b]]", "1")], "cannot contain"),
    ],
)
def test_malformed_shapes_are_rejected(pairs: list[tuple[str, str]], message: str) -> None:
    with pytest.raises(StripeError, match=message) as info:
        decode_pairs(pairs)
    assert info.value.status == 400
    assert not info.value.executed


def test_unknown_and_stripe_only_parameters() -> None:
    with pytest.raises(StripeError) as info:
        schema.check("POST /v1/checkout/sessions", {"mode": "payment", "foo": "x"})
    assert (info.value.code, info.value.param) == ("parameter_unknown", "foo")
    assert info.value.message == "Received unknown parameter: foo"
    with pytest.raises(StripeError) as info:
        schema.check(
            "POST /v1/checkout/sessions", {"payment_intent_data": {"capture_method": "manual"}}
        )
    assert info.value.param == "payment_intent_data[capture_method]"
    assert "not supported by the sandbox" in info.value.message


def test_integer_and_empty_errors_name_the_parameter() -> None:
    reader = ParamReader({"amount": "12.5", "name": "", "qty": "0"}, "line_items[0]")
    with pytest.raises(StripeError) as info:
        reader.integer("amount")
    assert info.value.code == "parameter_invalid_integer"
    assert info.value.param == "line_items[0][amount]"
    with pytest.raises(StripeError) as info:
        reader.require("name")
    assert info.value.code == "parameter_invalid_empty"
    with pytest.raises(StripeError) as info:
        reader.integer("qty", minimum=1)
    assert "greater than or equal to 1" in info.value.message
    with pytest.raises(StripeError) as info:
        reader.require("missing")
    assert (info.value.code, info.value.param) == ("parameter_missing", "line_items[0][missing]")


def test_metadata_limits() -> None:
    ok = ParamReader({"metadata": {"k": "v", "gone": ""}})
    assert ok.metadata() == {"k": "v"}
    too_many = ParamReader({"metadata": {f"k{i}": "v" for i in range(51)}})
    with pytest.raises(StripeError, match="at most 50 keys"):
        too_many.metadata()
    with pytest.raises(StripeError, match="maximum length of 40"):
        ParamReader({"metadata": {"k" * 41: "v"}}).metadata()
    with pytest.raises(StripeError, match="maximum length of 500"):
        ParamReader({"metadata": {"k": "v" * 501}}).metadata()


@pytest.mark.parametrize("digits", ["9" * 40, "-" + "9" * 19, "9" * 5000])
def test_an_integer_beyond_64_bits_is_invalid_not_a_crash(digits: str) -> None:
    """Stripe's integers are 64-bit; a longer one is a 400, never a 500 from SQLite or int()."""
    with pytest.raises(StripeError) as caught:
        ParamReader({"created": {"gt": digits}}).obj("created").integer("gt")
    assert caught.value.code == "parameter_invalid_integer"


def test_the_largest_64_bit_integer_is_still_an_integer() -> None:
    assert ParamReader({"limit": str(2**63 - 1)}).integer("limit") == 2**63 - 1
