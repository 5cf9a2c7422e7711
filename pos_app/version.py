"""The version of pos-app this station runs (what the database records as the schema's writer)."""

from __future__ import annotations

#: Said when the package metadata is missing (a copy run from an unpacked source tree).
UNKNOWN_VERSION = "of unknown version"


def app_version() -> str:
    """pos-app's version from its package metadata ("0.1.0")."""
    from importlib.metadata import PackageNotFoundError, version  # only when migrating

    try:
        return version("pos-app")
    except PackageNotFoundError:
        return UNKNOWN_VERSION
