"""Stripe's error shape and the exception that carries it through the sandbox."""

from __future__ import annotations

from typing import Any

JsonDict = dict[str, Any]

_DOC_BASE = "https://stripe.com/docs/error-codes/"


class StripeError(Exception):
    """An error answered to the client in Stripe's ``{"error": {...}}`` shape.

    ``executed`` tells the idempotency layer whether the endpoint began its work: results
    of validation failures (``executed=False``) are not saved against the key.
    """

    def __init__(
        self,
        status: int,
        type_: str,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        decline_code: str | None = None,
        executed: bool = True,
        extra: JsonDict | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.type = type_
        self.message = message
        self.code = code
        self.param = param
        self.decline_code = decline_code
        self.executed = executed
        self.extra = extra or {}

    def body(self) -> JsonDict:
        """The JSON body Stripe would send for this error."""
        err: JsonDict = {}
        if self.code is not None:
            err["code"] = self.code
        if self.decline_code is not None:
            err["decline_code"] = self.decline_code
        if self.code is not None:
            err["doc_url"] = _DOC_BASE + self.code.replace("_", "-")
        err["message"] = self.message
        if self.param is not None:
            err["param"] = self.param
        err.update(self.extra)
        err["type"] = self.type
        return {"error": err}


def invalid_request(
    message: str,
    *,
    code: str | None = None,
    param: str | None = None,
    status: int = 400,
    executed: bool = True,
) -> StripeError:
    """A 400 (or other) ``invalid_request_error``."""
    return StripeError(
        status, "invalid_request_error", message, code=code, param=param, executed=executed
    )


def param_error(message: str, *, code: str | None, param: str | None) -> StripeError:
    """A parameter validation failure: 400, never saved against an idempotency key."""
    return invalid_request(message, code=code, param=param, executed=False)


def resource_missing(
    object_name: str, object_id: str, *, param: str = "id", status: int = 404
) -> StripeError:
    """``No such checkout.session: 'cs_test_...'`` (404 on a path, 400 on a parameter)."""
    return invalid_request(
        f"No such {object_name}: '{object_id}'",
        code="resource_missing",
        param=param,
        status=status,
    )


def unrecognized_url(method: str, path: str) -> StripeError:
    """Stripe's answer to a path or method it does not serve."""
    return invalid_request(
        f"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs "
        "or we can help at https://support.stripe.com/.",
        status=404,
        executed=False,
    )


def authentication_error(message: str) -> StripeError:
    """401 with Stripe's body (type ``invalid_request_error``, as Stripe sends)."""
    return StripeError(401, "invalid_request_error", message, executed=False)


def api_error(message: str = "An unknown error occurred in the sandbox.") -> StripeError:
    """500 ``api_error`` for a bug in the sandbox itself."""
    return StripeError(500, "api_error", message)


def body_too_large(cap: int) -> StripeError:
    """413 for a request body over the sandbox's cap (Stripe's limit and wording are
    unpublished; the shape is its usual ``invalid_request_error``)."""
    return invalid_request(
        f"The request body is larger than {cap:,} bytes. Send fewer or shorter parameters.",
        status=413,
        executed=False,
    )
