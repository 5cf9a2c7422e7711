"""Choosing the UI language (issue 15): POS_LANGUAGE over this station's setting over the
computer's language."""

from __future__ import annotations

from pathlib import Path

import pytest

from pos_app import i18n
from pos_app.config import (
    ConfigError,
    StationSettings,
    apply_language,
    early_language,
    load_config,
    load_station,
    resolve_config,
    save_station,
    system_language,
)


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"POS_DATA_DIR": str(tmp_path), **extra}


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANG": "de_DE.UTF-8"}, "de"),
        ({"LANG": "es_ES.UTF-8"}, "es"),
        ({"LANGUAGE": "bn:en", "LANG": "de_DE.UTF-8"}, "bn"),
        ({"LC_ALL": "de_AT.UTF-8", "LANG": "bn_BD"}, "de"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_system_language(env: dict[str, str], expected: str) -> None:
    assert system_language(env) == expected


def test_pos_language_overrides_the_station(tmp_path: Path) -> None:
    save_station(tmp_path, StationSettings(language="es"))
    assert load_station(tmp_path).language == "es"
    assert resolve_config(_env(tmp_path)).language == "es"
    config = resolve_config(_env(tmp_path, POS_LANGUAGE="BN"))
    assert config.language == "bn"
    assert "language" in config.env_fields


def test_an_unknown_language_is_a_sentence(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is not a language pos-app speaks"):
        load_config(_env(tmp_path, POS_LANGUAGE="klingon"))


def test_a_bad_saved_language_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "station.json").write_text('{"language": "xx", "theme": "dark"}')
    station = load_station(tmp_path)
    assert station.language == "system" and station.theme == "dark"


def test_apply_language_uses_the_system_when_not_chosen(tmp_path: Path) -> None:
    try:
        config = load_config(_env(tmp_path))
        assert config.language == "system"
        assert apply_language(config, {"LANG": "de_DE.UTF-8"}) == "de"
        assert i18n.current_language() == "de"
        chosen = load_config(_env(tmp_path, POS_LANGUAGE="es"))
        assert apply_language(chosen, {"LANG": "de_DE.UTF-8"}) == "es"
    finally:
        i18n.set_language("en")


def test_help_speaks_the_saved_language_without_opening_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # `pos-app --help` with POS_LANGUAGE unset: Settings ▸ This station's choice, as the app.
    from pos_app import cli

    data = tmp_path / "data"
    save_station(data, StationSettings(language="de"))
    monkeypatch.delenv("POS_LANGUAGE", raising=False)
    monkeypatch.setenv("POS_DATA_DIR", str(data))
    monkeypatch.setenv("LANGUAGE", "es")  # the computer's language loses to the saved one
    with pytest.raises(SystemExit) as done:
        cli.main(["--help"])
    assert done.value.code == 0
    shown = capsys.readouterr().out
    assert "eine Buchung anlegen" in shown and "create a booking" not in shown
    assert sorted(p.name for p in data.iterdir()) == ["station.json"]  # no database, no log
    assert i18n.current_language() == "en"  # main gives an in-process caller its language back


@pytest.mark.parametrize(
    ("saved", "env", "expected"),
    [
        ('{"language": "bn"}', {}, "bn"),
        ('{"language": "bn"}', {"POS_LANGUAGE": "es"}, "es"),  # POS_LANGUAGE first
        ('{"language": "bn"}', {"POS_LANGUAGE": "system", "LANG": "de_DE"}, "de"),
        ('{"language": "bn"}', {"POS_LANGUAGE": "fr", "LANG": "de_DE"}, "de"),  # refused later
        ('{"language": "system"}', {"LANG": "es_ES.UTF-8"}, "es"),
        ('{"language": "xx"}', {"LANG": "es_ES.UTF-8"}, "es"),
        ("not json", {"LANG": "es_ES.UTF-8"}, "es"),
        ('["bn"]', {"LANG": "es_ES.UTF-8"}, "es"),
        (None, {"LANG": "es_ES.UTF-8"}, "es"),  # no station file: the computer's, silently
    ],
)
def test_the_early_language(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    saved: str | None,
    env: dict[str, str],
    expected: str,
) -> None:
    if saved is not None:
        (tmp_path / "station.json").write_text(saved)
    assert early_language(_env(tmp_path, **env)) == expected
    assert caplog.records == []  # before logging is set up: nothing may reach the terminal


def test_the_early_language_of_a_missing_data_folder(tmp_path: Path) -> None:
    assert early_language(_env(tmp_path / "never" / "made", LANG="bn_BD")) == "bn"
    assert not (tmp_path / "never").exists()
