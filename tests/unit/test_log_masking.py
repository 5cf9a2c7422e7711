"""Log masking (issue 11 item 11): every written form of a Stripe key or webhook secret is
masked, whatever its case, encoding or the token around it."""

from __future__ import annotations

import json
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.logs import redact

BODY = "51HxYzSecretTail9"


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("sk_test_51HxYzSecretTail9", "sk_test_****"),
        ("SK_TEST_51HxYzSecretTail9", "SK_TEST_****"),
        ("Sk_LiVe_51HxYzSecretTail9", "Sk_LiVe_****"),
        ("RK_live_51HxYzSecretTail9", "RK_live_****"),
        ("pk_live_51HxYzSecretTail9", "pk_live_****"),
        ("WHSEC_51HxYzSecretTail9", "WHSEC_****"),
        # URL-encoded: the underscore, every character, lower-case hex, twice encoded.
        ("sk%5Ftest%5F51HxYzSecretTail9", "sk%5Ftest%5F****"),
        ("sk%5ftest%5f51HxYzSecretTail9", "sk%5ftest%5f****"),
        ("whsec%5F51HxYzSecretTail9", "whsec%5F****"),
        ("%73k_live_" + BODY, "%73k_live_****"),
        ("%73%6B%5F%74%65%73%74%5F" + BODY, "%73%6B%5F%74%65%73%74%5F****"),
        ("sk%255Ftest%255F51HxYzSecretTail9", "sk%255Ftest%255F****"),
        # JSON's \u escapes of the same characters.
        ("sk\\u005ftest\\u005f51HxYzSecretTail9", "sk\\u005ftest\\u005f****"),
        # Inside longer tokens.
        ("Authorization: Bearer sk_test_51HxYzSecretTail9", "Bearer sk_test_****"),
        ("GET /v1?key=sk_live_51HxYzSecretTail9&next=1", "key=sk_live_****&next=1"),
        ("key%3Dsk_live_51HxYzSecretTail9%26next%3D1", "key%3Dsk_live_****%26next%3D1"),
        (json.dumps({"api_key": "rk_test_51HxYzSecretTail9"}), '{"api_key": "rk_test_****"}'),
        ("STRIPE_KEY_sk_test_51HxYzSecretTail9", "STRIPE_KEY_sk_test_****"),
        ("abcsk_live_51HxYzSecretTail9", "abcsk_live_****"),
        ("sig=whsec_51HxYzSecretTail9.", "sig=whsec_****."),
        # A mangled key (a hyphen pasted in) is masked to its end too.
        ("sk_test_51HxYz-SecretTail9 refused", "sk_test_**** refused"),
        # The body written with encoded characters.
        ("sk_test_51Hx%59zSecret%54ail9", "sk_test_****"),
    ],
)
def test_every_form_of_a_key_is_masked(text: str, kept: str) -> None:
    masked = redact(text)
    assert kept in masked
    assert "Secret" not in masked and "ecret" not in unquote(masked)


@pytest.mark.parametrize(
    "text",
    [
        "booking=bk_123 payment=pay_456 refund=re_789 cs_test_a1b2",
        "task_queue risk_level desk_station whse_c",
        "100% of 5F done",
    ],
)
def test_ordinary_log_lines_are_left_alone(text: str) -> None:
    assert redact(text) == text


# -- properties over the forms ------------------------------------------------------------

PREFIXES = ["sk_test_", "sk_live_", "rk_test_", "rk_live_", "pk_test_", "pk_live_", "whsec_"]
ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def _spell(ch: str, how: int) -> str:
    """One character as a log might carry it: as is, other case, %XX, %25XX or \\u00XX."""
    if how == 0:
        return ch
    if how == 1:
        return ch.swapcase()
    code = ord(ch.swapcase() if how % 2 else ch)
    return [f"%{code:02X}", f"%{code:02x}", f"%25{code:02X}", f"\\u{code:04x}"][how % 4]


@st.composite
def written_keys(draw: st.DrawFn) -> tuple[str, str]:
    """(a log line holding a key in some written form, the key's secret body)."""
    prefix = draw(st.sampled_from(PREFIXES))
    body = draw(st.text(alphabet=ALNUM, min_size=12, max_size=40))
    spelled_prefix = "".join(_spell(c, draw(st.integers(0, 5))) for c in prefix)
    spelled_body = "".join(_spell(c, draw(st.integers(0, 5))) for c in body)
    before = draw(st.sampled_from(["", " ", "Bearer ", "key=", "key%3D", '{"k":"', "x_", "ab"]))
    after = draw(st.sampled_from(["", " ", "&next=1", "%26n%3D1", '"}', ".", "\n", "-x"]))
    return f"{before}{spelled_prefix}{spelled_body}{after}", body


@given(written_keys())
def test_no_written_form_of_a_key_survives_masking(case: tuple[str, str]) -> None:
    line, body = case
    masked = redact(line)
    # Neither as written, nor once decoded (twice for %25XX), nor in any case.
    decoded = unquote(unquote(masked)).encode().decode("unicode_escape").casefold()
    assert body.casefold()[-8:] not in decoded
    assert "****" in masked


@given(st.text(alphabet=st.characters(blacklist_characters="_%\\"), max_size=200))
def test_text_without_a_separator_is_untouched(text: str) -> None:
    assert redact(text) == text
