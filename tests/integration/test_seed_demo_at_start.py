"""Every start asks whether to seed the demo catalogue; once seeded, the answer is read
without the database's write lock (issue 12: a shorter start, no wait for another station)."""

from __future__ import annotations

import pytest

from pos_app.app import AppContext
from pos_app.store.repositories import SqlUnitOfWork, SqlUnitOfWorkFactory


def test_a_seeded_catalogue_is_told_by_a_read(
    app: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[bool] = []
    real = SqlUnitOfWorkFactory.__call__

    def recording(self: SqlUnitOfWorkFactory, *, write: bool = False) -> SqlUnitOfWork:
        opened.append(write)
        return real(self, write=write)

    monkeypatch.setattr(SqlUnitOfWorkFactory, "__call__", recording)
    assert app.catalog.seed_demo() is False  # seeded when the app opened
    assert opened == [False]
