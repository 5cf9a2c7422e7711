"""The sign-in page's early read of the accounts (store/staff_preview.py): the open app's
answer, read with the standard library; None whenever the full open must look first."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pos_app.app import open_app
from pos_app.config import load_config
from pos_app.domain.people import ResourceKind, Role
from pos_app.services.people import ResourceForm, UserForm
from pos_app.store.staff_preview import StaffRow, read_staff, sqlite_path

pytestmark = pytest.mark.sqlite_only


def _file(env: dict[str, str]) -> Path:
    path = sqlite_path(load_config(env).database_url)
    assert path is not None
    return path


def test_the_early_read_answers_as_the_open_app_does(app_env: dict[str, str]) -> None:
    config = load_config(app_env)
    ctx = open_app(config, sandbox="none")
    try:
        assert read_staff(config.database_url) is not None
        assert read_staff(config.database_url).any_users is False  # type: ignore[union-attr]
        ctx.people.create_first_manager("Zoe Manager", "2468", "2468")
        chair = ctx.people.save_resource(ResourceForm("Chair 1", ResourceKind.ROOM))
        ctx.people.create_user(UserForm("Ann Staff", Role.STAFF, "1357", "1357"))
        sam = ctx.people.create_user(UserForm("Sam Lee", Role.STAFF, "1357", "1357", True, True))
        gone = ctx.people.create_user(UserForm("Old Hand", Role.STAFF, "1357", "1357"))
        ctx.people.update_user(gone.id, UserForm("Old Hand", Role.STAFF, active=False))
        expected = [
            StaffRow(m.id, m.name, m.role, m.resource_id, m.takes_bookings)
            for m in ctx.people.list_users()
        ]
    finally:
        ctx.close()
    preview = read_staff(config.database_url)
    assert preview is not None and preview.any_users
    assert list(preview.staff) == expected
    assert [row.name for row in preview.staff] == ["Ann Staff", "Sam Lee", "Zoe Manager"]
    assert [row.role for row in preview.staff] == [Role.STAFF, Role.STAFF, Role.MANAGER]
    by_name = {row.name: row for row in preview.staff}
    assert by_name["Sam Lee"].takes_bookings and by_name["Sam Lee"].resource_id == sam.resource_id
    assert chair.id != sam.resource_id  # its own column, not the room


def test_a_database_at_another_revision_is_left_to_the_open(app_env: dict[str, str]) -> None:
    path = _file(app_env)
    url = load_config(app_env).database_url
    assert read_staff(url) is not None  # the test's database is at the newest schema
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0025'")  # to migrate
    assert read_staff(url) is None
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")  # a newer pos-app's
    assert read_staff(url) is None


def test_what_the_early_read_does_not_answer_for(app_env: dict[str, str], tmp_path: Path) -> None:
    assert read_staff("postgresql+psycopg://pos@localhost/pos") is None  # a database server
    assert read_staff("sqlite://") is None and read_staff("sqlite:///:memory:") is None
    assert read_staff(f"sqlite:///{tmp_path}/missing.sqlite3") is None  # first start
    assert not (tmp_path / "missing.sqlite3").exists()  # and nothing created
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"not a database" * 100)
    assert read_staff(f"sqlite:///{damaged}") is None
    assert read_staff(load_config(app_env).database_url, head="other") is None


def test_a_writer_holding_the_file_gets_no_wait(app_env: dict[str, str]) -> None:
    url = load_config(app_env).database_url
    writer = sqlite3.connect(_file(app_env), isolation_level=None)
    try:
        writer.execute("PRAGMA journal_mode=DELETE")  # a rollback journal: readers are locked out
        writer.execute("BEGIN EXCLUSIVE")
        assert read_staff(url) is None
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert read_staff(url) is not None
