"""packaging/pos-app.desktop: the Linux launcher entry runs the installed command and names
the icon the README installs (pos-app.png / pos-app.svg in the hicolor theme)."""

from __future__ import annotations

import configparser
import tomllib
from pathlib import Path

import pytest

from pos_app.resources import APP_ICON_SVG

pytestmark = pytest.mark.source_tree

ROOT = Path(__file__).resolve().parents[2]
ENTRY = ROOT / "packaging" / "pos-app.desktop"


def _entry() -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read_string(ENTRY.read_text(encoding="utf-8"))
    assert parser.sections() == ["Desktop Entry"]
    return dict(parser["Desktop Entry"])


def test_the_desktop_entry_starts_the_installed_command_with_its_icon() -> None:
    entry = _entry()
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]
    assert entry["Type"] == "Application"
    assert entry["Exec"] in scripts  # the console script pip or pipx installs
    assert entry["Icon"] == APP_ICON_SVG.stem
    assert entry["Terminal"] == "false"
    assert entry["Name"] and entry["Comment"]
    # Lists end with ";" (the spec's rule, which desktop-file-validate enforces).
    assert all(entry[key].endswith(";") for key in ("Categories", "Keywords"))
