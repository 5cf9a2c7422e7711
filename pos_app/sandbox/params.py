"""Stripe's bracket form encoding, decoded into nested values, and typed readers over it.

``line_items[0][price_data][product_data][name]=Haircut`` becomes
``{"line_items": {"0": {"price_data": {"product_data": {"name": "Haircut"}}}}}``; ``a[]=x``
appends to a list. Whether ``{"0": ...}`` is a list is decided by the reader (the schema),
not the decoder, because ``metadata[0]=x`` is a valid hash key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl

from pos_app.sandbox import behaviour
from pos_app.sandbox.errors import StripeError, param_error

FormValue = str | list["FormValue"] | dict[str, "FormValue"]
FormDict = dict[str, FormValue]

_KEY_RE = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_SEGMENT_RE = re.compile(r"\[([^\[\]]*)\]")
_INT_RE = re.compile(r"^-?\d+$")
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def parse_form(raw: str) -> FormDict:
    """Decode an ``application/x-www-form-urlencoded`` body or query string."""
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, strict_parsing=False, max_num_fields=10_000)
    except ValueError as err:
        raise param_error(f"Invalid request body: {err}", code=None, param=None) from err
    return decode_pairs(pairs)


def decode_pairs(pairs: Iterable[tuple[str, str]]) -> FormDict:
    """Nest ``(key, value)`` pairs by their bracket segments."""
    root: FormDict = {}
    for key, value in pairs:
        match = _KEY_RE.match(key)
        if match is None:
            # Usually a bracket inside a hash key, e.g. ``metadata[a[b]]``.
            raise param_error(
                f"Invalid parameter name: {key}. Keys cannot contain '[' or ']'.",
                code=None,
                param=key.split("[")[0] or key,
            )
        path = [match.group(1), *_SEGMENT_RE.findall(match.group(2))]
        _insert(root, path, value, key)
    return root


def _insert(root: FormDict, path: list[str], value: str, key: str) -> None:
    node: FormValue = root
    for i, seg in enumerate(path):
        last = i == len(path) - 1
        nxt_is_append = not last and path[i + 1] == ""
        if isinstance(node, list):
            if seg != "":
                raise _shape_error(key)
            if last:
                node.append(value)
                return
            # ``a[][b]=x`` starts a new element for each pair, as Rack does.
            child: FormValue = [] if nxt_is_append else {}
            node.append(child)
            node = child
            continue
        if not isinstance(node, dict) or seg == "":
            raise _shape_error(key)
        if last:
            if seg in node:
                raise param_error(f"Received duplicate parameter: {key}", code=None, param=key)
            node[seg] = value
            return
        existing = node.get(seg)
        if existing is None:
            existing = [] if nxt_is_append else {}
            node[seg] = existing
        elif isinstance(existing, str) or isinstance(existing, list) != nxt_is_append:
            raise _shape_error(key)
        node = existing


def _shape_error(key: str) -> StripeError:
    return param_error(
        f"Invalid array or hash in parameter: {key}", code=None, param=key.split("[")[0]
    )


def is_index(key: str) -> bool:
    """Whether a hash key is a list index (``line_items[0]``)."""
    return _INT_RE.match(key) is not None


def one_of(options: list[str]) -> str:
    """``a, b, or c`` as Stripe lists enum values."""
    if len(options) <= 2:
        return " or ".join(options)
    return ", ".join(options[:-1]) + ", or " + options[-1]


def _describe(value: FormValue) -> str:
    return value if isinstance(value, str) else "a hash" if isinstance(value, dict) else "an array"


class ParamReader:
    """Typed, validating access to one level of decoded parameters.

    Which names may appear at all is settled before a handler runs, by
    :func:`pos_app.sandbox.schema.check`; readers check types, bounds and shapes.
    """

    def __init__(self, data: Mapping[str, FormValue], prefix: str = "") -> None:
        self._data = data
        self._prefix = prefix

    # -- naming ------------------------------------------------------------------------

    def name(self, key: str) -> str:
        """The full bracketed name of ``key`` for error messages."""
        return f"{self._prefix}[{key}]" if self._prefix else key

    def keys(self) -> list[str]:
        """Keys present at this level, in request order."""
        return list(self._data)

    def raw(self, key: str) -> FormValue | None:
        """The decoded value of ``key`` as sent, unchecked."""
        return self._data.get(key)

    def has(self, key: str) -> bool:
        """Whether ``key`` was sent."""
        return key in self._data

    # -- scalars -----------------------------------------------------------------------

    def _scalar(self, key: str) -> str | None:
        if key not in self._data:
            return None
        value = self._data[key]
        if not isinstance(value, str):
            raise param_error(
                f"Invalid {self.name(key)}: must be a string, got {_describe(value)}",
                code=None,
                param=self.name(key),
            )
        if value == "":
            name = self.name(key)
            raise param_error(
                f"You passed an empty string for '{name}'. We assume empty values are an "
                f"attempt to unset a parameter; however '{name}' cannot be unset. You should "
                f"remove '{name}' from your request or supply a non-empty value.",
                code="parameter_invalid_empty",
                param=name,
            )
        return value

    def require(self, key: str) -> str:
        """A required non-empty string."""
        value = self._scalar(key)
        if value is None:
            raise self.missing(key)
        return value

    def missing(self, key: str) -> StripeError:
        """Stripe's ``parameter_missing`` error for ``key``."""
        return param_error(
            f"Missing required param: {self.name(key)}.",
            code="parameter_missing",
            param=self.name(key),
        )

    def string(self, key: str, *, max_length: int | None = None) -> str | None:
        """An optional non-empty string of at most ``max_length`` characters."""
        value = self._scalar(key)
        if value is not None and max_length is not None and len(value) > max_length:
            raise param_error(
                f"Invalid {self.name(key)}: must be at most {max_length} characters",
                code=None,
                param=self.name(key),
            )
        return value

    def integer(
        self, key: str, *, minimum: int | None = None, maximum: int | None = None
    ) -> int | None:
        """An optional integer within bounds (``parameter_invalid_integer`` otherwise)."""
        raw = self._scalar(key)
        if raw is None:
            return None
        name = self.name(key)
        # Stripe's integers are 64-bit: a longer one is invalid, not a crash in SQLite (or
        # in int(), which refuses over 4,300 digits).
        text = raw.strip()
        if len(text) > 20 or not _INT_RE.match(text) or not _INT64_MIN <= int(text) <= _INT64_MAX:
            raise param_error(
                f"Invalid integer: {raw[:40]}", code="parameter_invalid_integer", param=name
            )
        value = int(text)
        if minimum is not None and value < minimum:
            raise param_error(
                f"This value must be greater than or equal to {minimum}.",
                code="parameter_invalid_integer",
                param=name,
            )
        if maximum is not None and value > maximum:
            raise param_error(
                f"This value must be less than or equal to {maximum}.",
                code="parameter_invalid_integer",
                param=name,
            )
        return value

    def require_integer(
        self, key: str, *, minimum: int | None = None, maximum: int | None = None
    ) -> int:
        """A required integer within bounds."""
        value = self.integer(key, minimum=minimum, maximum=maximum)
        if value is None:
            raise self.missing(key)
        return value

    def enum(self, key: str, choices: Iterable[str]) -> str | None:
        """An optional value from ``choices``."""
        value = self._scalar(key)
        options = list(choices)
        if value is not None and value not in options:
            raise param_error(
                f"Invalid {self.name(key)}: must be one of {one_of(options)}",
                code=None,
                param=self.name(key),
            )
        return value

    def email(self, key: str) -> str | None:
        """An optional e-mail address (loosely checked, like Stripe)."""
        value = self.string(key, max_length=800)
        if value is not None and not _EMAIL_RE.match(value):
            raise param_error(
                f"Invalid email address: {value}", code="email_invalid", param=self.name(key)
            )
        return value

    # -- containers --------------------------------------------------------------------

    def obj(self, key: str) -> ParamReader | None:
        """A nested hash, as a reader, or ``None`` when absent or sent empty."""
        if key not in self._data:
            return None
        value = self._data[key]
        if value == "":
            return None
        if not isinstance(value, dict):
            raise param_error(
                f"Invalid {self.name(key)}: must be a hash, got {_describe(value)}",
                code=None,
                param=self.name(key),
            )
        return ParamReader(value, self.name(key))

    def array(self, key: str) -> list[tuple[str, FormValue]] | None:
        """A list sent as ``a[]=`` or ``a[0]=``, as ``(param name, value)`` pairs."""
        if key not in self._data:
            return None
        value = self._data[key]
        name = self.name(key)
        if value == "":
            return []
        if isinstance(value, list):
            return [(f"{name}[{i}]", v) for i, v in enumerate(value)]
        if isinstance(value, dict) and all(_INT_RE.match(k) for k in value):
            ordered = sorted(value.items(), key=lambda kv: int(kv[0]))
            return [(f"{name}[{k}]", v) for k, v in ordered]
        raise param_error(f"Invalid array: {name} must be an array", code=None, param=name)

    def string_array(self, key: str) -> list[str] | None:
        """A list of non-empty strings."""
        items = self.array(key)
        if items is None:
            return None
        out: list[str] = []
        for name, value in items:
            if not isinstance(value, str) or value == "":
                raise param_error(f"Invalid {name}: must be a string", code=None, param=name)
            out.append(value)
        return out

    def reader_array(self, key: str) -> list[ParamReader] | None:
        """A list of hashes, each as a reader."""
        items = self.array(key)
        if items is None:
            return None
        out: list[ParamReader] = []
        for name, value in items:
            if not isinstance(value, dict):
                raise param_error(f"Invalid {name}: must be a hash", code=None, param=name)
            out.append(ParamReader(value, name))
        return out

    def metadata(self, key: str = "metadata") -> dict[str, str] | None:
        """Stripe metadata with its limits; empty values unset keys, as in Stripe."""
        if key not in self._data:
            return None
        value = self._data[key]
        name = self.name(key)
        if value == "":
            return {}
        if not isinstance(value, dict):
            raise param_error(
                f"Invalid {name}: must be a hash of string keys and values",
                code=None,
                param=name,
            )
        out: dict[str, str] = {}
        for k, v in value.items():
            if not isinstance(v, str):
                raise param_error(
                    f"Invalid {name}[{k}]: metadata values must be strings",
                    code=None,
                    param=f"{name}[{k}]",
                )
            if len(k) > behaviour.METADATA_KEY_MAX_LENGTH:
                raise param_error(
                    f"Metadata keys can have a maximum length of "
                    f"{behaviour.METADATA_KEY_MAX_LENGTH} characters. Key '{k}' is too long.",
                    code=None,
                    param=f"{name}[{k}]",
                )
            if "[" in k or "]" in k:
                raise param_error(
                    "Metadata keys cannot contain '[' or ']'.", code=None, param=f"{name}[{k}]"
                )
            if len(v) > behaviour.METADATA_VALUE_MAX_LENGTH:
                raise param_error(
                    f"Metadata values can have a maximum length of "
                    f"{behaviour.METADATA_VALUE_MAX_LENGTH} characters.",
                    code=None,
                    param=f"{name}[{k}]",
                )
            if v != "":
                out[k] = v
        if len(out) > behaviour.METADATA_MAX_KEYS:
            raise param_error(
                f"Metadata can have at most {behaviour.METADATA_MAX_KEYS} keys.",
                code=None,
                param=name,
            )
        return out

    def expand(self) -> list[str]:
        """The ``expand[]`` list (empty when absent)."""
        return self.string_array("expand") or []
