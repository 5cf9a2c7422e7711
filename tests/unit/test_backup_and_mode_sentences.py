"""The sentences about an unusable database and a database of another mode are whole marked
sentences (issue 15): each kind and ending of a backup problem, each pair of modes, said in
the desk's language, with the seconds of a lock in the language's plural form."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any, get_args

import pytest

from pos_app.cli import backup as cli_backup
from pos_app.domain.backups import PROBLEM_SENTENCES, Problem
from pos_app.i18n import gettext
from pos_app.services.backup import BackupInfo, local_time, problem_sentence, size_text
from pos_app.services.business_settings import DatabaseModeError, ensure_database_mode
from tests.language import language

TAKEN = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
FOLDER = Path("/data/backups")
NEWEST = BackupInfo(FOLDER / "pos-2026-12-05-080000Z-daily.sqlite3", TAKEN, 10, "daily")
ENDINGS = {"server": (None, None), "none yet": (None, FOLDER), "newest": (NEWEST, FOLDER)}
# English words that would show a piece glued in untranslated.
ENGLISH = ("database", "backup", "second", "locked", "damaged", "newer", "restore it")


def _all(seconds: int) -> list[str]:
    return [
        problem_sentence(kind, newest, folder, UTC, seconds)
        for kind in get_args(Problem)
        for newest, folder in ENDINGS.values()
    ]


def test_a_lock_of_one_second_is_said_in_the_singular() -> None:
    said = problem_sentence("locked", None, None, UTC, 1)
    assert "for 1 second (" in said
    assert "for 2 seconds (" in problem_sentence("locked", None, None, UTC, 2)


@pytest.mark.parametrize("code", ["de", "es", "bn"])
def test_every_problem_sentence_reads_in_the_desks_language(code: str) -> None:
    english = _all(30)
    with language(code):
        said = _all(30)
    assert len(set(said)) == 9
    for text, source in zip(said, english, strict=True):
        assert text != source
        words = text.split("pos-app restore")[0].replace(str(FOLDER), "").replace("backups/", "")
        assert not any(word in words.lower() for word in ENGLISH), text
        assert "{" not in text  # every value was put in
    # (damaged, newest) names the file and the command; (locked, server) the seconds.
    assert f"pos-app restore {NEWEST.path}" in said[2] and NEWEST.path.name in said[2]
    assert "30" in said[3]


def test_german_and_bangla_read_as_written() -> None:
    with language("de"):
        assert problem_sentence("locked", None, None, UTC, 1) == (
            "Die Datenbank blieb 1 Sekunde lang von einem anderen Programm gesperrt "
            "(schließen Sie es oder starten Sie diesen Computer neu)."
        )
        damaged = problem_sentence("damaged", NEWEST, FOLDER, UTC, 30)
        assert damaged.startswith(
            "Die Datenbank ist beschädigt; die neueste Sicherung ist "
            "backups/pos-2026-12-05-080000Z-daily.sqlite3 vom 5. Dez. 2026, 08:00 –"
        )
        assert size_text(1) == "1 Byte" and size_text(5 * 1024**2 + 1) == "5,0 MB"
        assert local_time(TAKEN, UTC) == "5. Dez. 2026, 08:00"
    with language("bn"):
        assert problem_sentence("damaged", None, FOLDER, UTC, 30) == (
            "ডেটাবেসটি ক্ষতিগ্রস্ত, আর /data/backups-এ রিস্টোর করার মতো কোনো ব্যাকআপ এখনো নেই।"
        )
    assert size_text(1) == "1 byte" and local_time(TAKEN, UTC) == "2026-12-05 08:00"


def test_the_plain_problem_sentences_are_translated() -> None:
    with language("de"):
        for sentence in PROBLEM_SENTENCES.values():
            assert gettext(sentence) != sentence


class _Events:
    def __init__(self, stored: str) -> None:
        self.stored = stored

    def get_setting(self, _key: str) -> str:
        return self.stored


def _uow(stored: str) -> Any:
    @contextmanager
    def uow(write: bool = False) -> Iterator[Any]:
        yield SimpleNamespace(events=_Events(stored), commit=lambda: None)

    return uow


PAIRS = [(a, b) for a in ("sandbox", "test", "live") for b in ("sandbox", "test", "live") if a != b]


@pytest.mark.parametrize(("stored", "mode"), PAIRS)
def test_a_database_of_another_mode_is_refused_in_one_german_sentence(
    stored: str, mode: Any
) -> None:
    with pytest.raises(DatabaseModeError) as english:
        ensure_database_mode(_uow(stored), mode, "/data/pos.sqlite3")
    assert f"holds {stored} mode records, but the app is in {mode} mode" in english.value.message
    with language("de"), pytest.raises(DatabaseModeError) as german:
        ensure_database_mode(_uow(stored), mode, "/data/pos.sqlite3")
    said = german.value.message
    assert said.startswith("Die Datenbank /data/pos.sqlite3 enthält Daten aus ")
    # No English mode word pasted into the German sentence.
    assert not any(f" {word} " in said for word in ("sandbox", "test", "live", "mode"))


@pytest.mark.parametrize(
    "sentence", [*cli_backup._OTHER_MODE.values(), *cli_backup._UNSOUND.values()]
)
def test_restores_refusals_of_another_mode_or_an_unsound_file_are_translated(sentence: str) -> None:
    for code in ("de", "es", "bn"):
        with language(code):
            said = gettext(sentence)
        assert said != sentence and "{path}" in said
        assert " mode " not in said
