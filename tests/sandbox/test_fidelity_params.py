"""The sandbox's request parameters against stripe-python's typed ``*Params`` TypedDicts.

Expectations come from the SDK (generated from Stripe's OpenAPI spec), never from the
sandbox: which names exist at each level, which are required, which ``Literal`` values an
enum takes. The sandbox's own declarations (``pos_app.sandbox.schema``) are checked against
them, and then its HTTP answers are checked against both.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from pos_app.sandbox import schema
from pos_app.sandbox.app import create_app
from pos_app.sandbox.runner import SandboxHandle, start_app_in_thread
from tests.contract import sdk_schema
from tests.contract.forms import encode, session_params
from tests.sandbox.conftest import patient_http

KEY = "sk_test_fidelity_params"
UNSUPPORTED = "not supported by the sandbox"

#: Names an older API version or another endpoint used, that Stripe now rejects here.
_NOT_STRIPE = "not_a_stripe_parameter"

SDK_TREES = {ep: sdk_schema.endpoint_params(ep) for ep in sdk_schema.ENDPOINT_PARAMS}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SandboxHandle, Starlette]]:
    db = tmp_path_factory.mktemp("fidelity_params") / "sandbox.sqlite3"
    apps: list[Starlette] = []

    def make(url: str) -> Starlette:
        apps.append(create_app(Path(db), public_base_url=url))
        return apps[-1]

    handle = start_app_in_thread(make)
    yield handle, apps[0]
    handle.stop()


@pytest.fixture(scope="module")
def http(served: tuple[SandboxHandle, Starlette]) -> Iterator[httpx.Client]:
    with patient_http(
        served[0].url, headers={"Authorization": f"Bearer {KEY}"}, timeout=10
    ) as client:
        yield client


def _send(http: httpx.Client, endpoint: str, pairs: list[tuple[str, str]]) -> httpx.Response:
    method, path = endpoint.split(" ", 1)
    path = path.replace("{id}", "x_missing")
    if method == "DELETE":
        return http.request("DELETE", path, params=pairs)
    if method == "POST":
        return http.post(
            path,
            content=urlencode(pairs),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    return http.get(path, params=pairs)


def _error(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert "error" in body, body
    return dict(body["error"])


def _bracket(path: str, leaf: str) -> str:
    """``line_items[].price_data`` + ``recurring`` → ``line_items[0][price_data][recurring]``."""
    parts = [p for p in path.split(".") if p] + [leaf]
    name = ""
    for part in parts:
        in_list = part.endswith("[]")
        key = part[:-2] if in_list else part
        name = f"{name}[{key}]" if name else key
        if in_list:
            name += "[0]"
    return name


# -- the sandbox's declarations against the SDK ---------------------------------------------


def test_every_served_endpoint_is_described(served: tuple[SandboxHandle, Starlette]) -> None:
    """Each ``/v1`` route of the running app has its SDK Params class and a schema entry."""
    routes = set()
    for route in served[1].routes:
        if (
            isinstance(route, Route)
            and route.path.startswith("/v1/")
            and "{rest" not in (route.path)
        ):
            routes |= {f"{m} {route.path}" for m in route.methods or () if m != "HEAD"}
    assert routes == set(schema.STRIPE_PARAMS) == set(sdk_schema.ENDPOINT_PARAMS)


@pytest.mark.parametrize("endpoint", sorted(schema.STRIPE_PARAMS))
def test_stripe_snapshot_matches_the_sdk(endpoint: str) -> None:
    """``schema.STRIPE_*`` copy the SDK (regenerate: ``python -m tests.contract.sdk_schema``)."""
    tree = SDK_TREES[endpoint]
    for path, names in schema.STRIPE_PARAMS[endpoint].items():
        level = sdk_schema.children_at(tree, path)
        assert level is not None, f"{endpoint}: the SDK has no nested hash at {path!r}"
        assert names == set(level), f"{endpoint} {path!r}"
    for path, values in schema.STRIPE_ENUMS.get(endpoint, {}).items():
        node = sdk_schema.lookup(tree, path)
        assert node is not None and node.enum is not None, f"{endpoint}: {path} is no enum"
        assert sorted(values) == sorted(node.enum), f"{endpoint} {path}"


@pytest.mark.parametrize("endpoint", sorted(schema.SANDBOX_PARAMS))
def test_sandbox_accepts_only_parameters_the_sdk_declares(endpoint: str) -> None:
    tree = SDK_TREES[endpoint]
    levels = schema.SANDBOX_PARAMS[endpoint]
    for path, names in levels.items():
        level = sdk_schema.children_at(tree, path)
        assert level is not None, f"{endpoint}: {path!r} is not a nested hash in the SDK"
        invented = names - set(level)
        assert not invented, f"{endpoint} {path!r}: not Stripe parameters: {sorted(invented)}"
        if path:
            # The sandbox only descends below parameters it supports.
            parent, _, leaf = path.rpartition(".")
            assert leaf.removesuffix("[]") in levels[parent], f"{endpoint}: {path}"
    for path, values in schema.SANDBOX_ENUMS.get(endpoint, {}).items():
        node = sdk_schema.lookup(tree, path)
        assert node is not None and node.enum is not None
        assert set(values) <= set(node.enum), f"{endpoint} {path}: {values} vs {node.enum}"


@pytest.mark.parametrize("endpoint", sorted(schema.SANDBOX_PARAMS))
def test_every_enum_the_sandbox_accepts_is_checked(endpoint: str) -> None:
    """A ``Literal`` parameter the sandbox implements must have its values checked."""
    tree = SDK_TREES[endpoint]
    for path, names in schema.SANDBOX_PARAMS[endpoint].items():
        level = sdk_schema.children_at(tree, path) or {}
        for name in names:
            pt = level[name]
            if pt.enum is None:
                continue
            dotted = f"{path}.{name}" if path else name
            assert dotted in schema.STRIPE_ENUMS.get(endpoint, {}), f"{endpoint} {dotted}"
            assert dotted in schema.SANDBOX_ENUMS.get(endpoint, {}), f"{endpoint} {dotted}"


def test_every_nested_hash_the_sandbox_reads_is_checked() -> None:
    """Below a supported hash parameter, unknown keys must be caught, so it needs a level."""
    for endpoint, levels in schema.SANDBOX_PARAMS.items():
        tree = SDK_TREES[endpoint]
        for path, names in levels.items():
            level = sdk_schema.children_at(tree, path) or {}
            for name in names:
                pt = level[name]
                dotted = f"{path}.{name}" if path else name
                if pt.children is not None:
                    assert dotted in levels, f"{endpoint}: {dotted} is read unchecked"
                if pt.item is not None and pt.item.children is not None:
                    assert f"{dotted}[]" in levels, f"{endpoint}: {dotted}[] is read unchecked"


# -- over HTTP -----------------------------------------------------------------------------


def _unsupported_cases() -> list[tuple[str, str]]:
    cases = []
    for endpoint, levels in schema.SANDBOX_PARAMS.items():
        tree = SDK_TREES[endpoint]
        for path, supported in levels.items():
            level = sdk_schema.children_at(tree, path) or {}
            for name in sorted(set(level) - supported):
                cases.append((endpoint, _bracket(path, name)))
    return cases


@pytest.mark.parametrize(("endpoint", "name"), _unsupported_cases())
def test_stripe_parameters_the_sandbox_lacks_are_refused_by_name(
    http: httpx.Client, endpoint: str, name: str
) -> None:
    response = _send(http, endpoint, [(name, "1")])
    assert response.status_code == 400, response.text
    err = _error(response)
    assert err["type"] == "invalid_request_error"
    assert err["param"] == name
    assert UNSUPPORTED in err["message"] and name in err["message"]
    assert err.get("code") != "parameter_unknown"


def _unknown_cases() -> list[tuple[str, str]]:
    cases = []
    for endpoint, levels in schema.SANDBOX_PARAMS.items():
        for path in levels:
            cases.append((endpoint, _bracket(path, _NOT_STRIPE)))
    # Parameters of older API versions or other endpoints, still seen in examples.
    cases.append(("POST /v1/checkout/sessions", "payment_method_types[0]"))
    cases.append(("POST /v1/refunds", "refund_application_fees"))
    return cases


@pytest.mark.parametrize(("endpoint", "name"), _unknown_cases())
def test_unknown_parameters_are_parameter_unknown(
    http: httpx.Client, endpoint: str, name: str
) -> None:
    # The name must really be unknown to Stripe at its level (checked against the SDK).
    if _NOT_STRIPE not in name:
        assert name.split("[")[0] not in SDK_TREES[endpoint]
    response = _send(http, endpoint, [(name, "1")])
    assert response.status_code == 400, response.text
    err = _error(response)
    expected_param = name.removesuffix("[0]")
    assert (err["type"], err.get("code"), err["param"]) == (
        "invalid_request_error",
        "parameter_unknown",
        expected_param,
    )
    assert err["message"] == f"Received unknown parameter: {expected_param}"


def _valid_base(endpoint: str) -> list[tuple[str, str]]:
    if endpoint == "POST /v1/checkout/sessions":
        return encode(session_params())
    if endpoint == "POST /v1/refunds":
        return [("payment_intent", "pi_does_not_exist")]
    return []


def _enum_cases() -> list[tuple[str, str, str, bool]]:
    cases = []
    for endpoint, enums in schema.STRIPE_ENUMS.items():
        tree = SDK_TREES[endpoint]
        for path in enums:
            node = sdk_schema.lookup(tree, path)
            assert node is not None and node.enum is not None
            implemented = schema.SANDBOX_ENUMS.get(endpoint, {}).get(path, ())
            for value in node.enum:
                cases.append((endpoint, path, value, value in implemented))
            cases.append((endpoint, path, "not_a_stripe_value", False))
    return cases


@pytest.mark.parametrize(("endpoint", "path", "value", "implemented"), _enum_cases())
def test_enum_values_are_exactly_the_sdks(
    http: httpx.Client, endpoint: str, path: str, value: str, implemented: bool
) -> None:
    name = _bracket(path.rpartition(".")[0], path.rpartition(".")[2])
    pairs = [(k, v) for k, v in _valid_base(endpoint) if k != name] + [(name, value)]
    response = _send(http, endpoint, pairs)
    body = response.json()
    err = body.get("error", {})
    node = sdk_schema.lookup(SDK_TREES[endpoint], path)
    assert node is not None and node.enum is not None
    if implemented:
        assert err.get("param") != name, body
        return
    assert response.status_code == 400 and err["param"] == name, body
    if value in node.enum:
        assert UNSUPPORTED in err["message"]
    else:
        assert err["message"].startswith(f"Invalid {name}: must be one of")
        for listed in node.enum:
            assert listed in err["message"]


def _base_for_required(endpoint: str) -> list[tuple[str, str]]:
    if endpoint == "POST /v1/checkout/sessions":
        params = session_params()
        params["line_items"][0]["price_data"]["product_data"]["description"] = "d"
        return encode(params)
    return []


def _required_cases() -> list[tuple[str, str]]:
    """Required SDK parameters inside hashes the sandbox reads.

    Left out: those whose hash would be empty without them, which a form cannot send
    (``customer_details[email]`` of the sessions list).
    """
    cases = []
    for endpoint, levels in schema.SANDBOX_PARAMS.items():
        tree = SDK_TREES[endpoint]
        base = [k for k, _ in _base_for_required(endpoint)]
        for path, supported in levels.items():
            if not path:
                continue
            level = sdk_schema.children_at(tree, path) or {}
            for name, pt in level.items():
                if not (pt.required and name in supported):
                    continue
                full = _bracket(path, name)
                prefix = full.rsplit("[", 1)[0] + "["
                if any(k.startswith(prefix) and k != full for k in base):
                    cases.append((endpoint, f"{path}.{name}"))
    return cases


@pytest.mark.parametrize(("endpoint", "dotted"), _required_cases())
def test_parameters_the_sdk_requires_are_required(
    http: httpx.Client, endpoint: str, dotted: str
) -> None:
    parent, _, leaf = dotted.rpartition(".")
    name = _bracket(parent, leaf)
    pairs = [(k, v) for k, v in _base_for_required(endpoint) if k != name]
    response = _send(http, endpoint, pairs)
    assert response.status_code == 400, response.text
    err = _error(response)
    assert (err["param"], err.get("code")) == (name, "parameter_missing")


def test_required_cases_are_derived() -> None:
    """The required-parameter test above must not be vacuous."""
    dotted = {d for _, d in _required_cases()}
    assert "line_items[].price_data.currency" in dotted
    assert "line_items[].price_data.product_data.name" in dotted


def test_differences_doc_lists_every_unsupported_parameter() -> None:
    """docs/sandbox-differences.md names each SDK parameter the sandbox refuses."""
    doc = (Path(__file__).parents[2] / "docs" / "sandbox-differences.md").read_text()
    missing = []
    for endpoint, levels in schema.STRIPE_PARAMS.items():
        for path, names in levels.items():
            for name in sorted(names - schema.SANDBOX_PARAMS[endpoint].get(path, frozenset())):
                if f"`{name}`" not in doc:
                    missing.append(f"{endpoint} {_bracket(path, name)}")
    assert not missing, missing


def _integer_cases() -> list[tuple[str, str]]:
    """Every supported parameter the SDK types as an integer (``created`` also takes a hash)."""
    cases = []
    for endpoint, levels in schema.SANDBOX_PARAMS.items():
        tree = SDK_TREES[endpoint]
        for path, supported in levels.items():
            level = sdk_schema.children_at(tree, path) or {}
            for name in sorted(supported):
                if "int" in level[name].kinds:
                    cases.append((endpoint, _bracket(path, name)))
    return cases


@pytest.mark.parametrize(("endpoint", "name"), _integer_cases())
def test_integer_parameters_refuse_other_values(
    http: httpx.Client, endpoint: str, name: str
) -> None:
    pairs = [(k, v) for k, v in _valid_base(endpoint) if k != name]
    for bad in ("12.5", "ten"):
        response = _send(http, endpoint, [*pairs, (name, bad)])
        assert response.status_code == 400, response.text
        err = _error(response)
        assert (err["param"], err.get("code")) == (name, "parameter_invalid_integer"), bad


def test_integer_cases_are_derived() -> None:
    names = {n for _, n in _integer_cases()}
    assert {
        "expires_at",
        "line_items[0][quantity]",
        "line_items[0][price_data][unit_amount]",
        "amount",
        "limit",
        "created",
        "created[gte]",
    } <= names
