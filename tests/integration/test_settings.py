"""Settings through the service: business settings shared in the database, this station's in
its file, secrets in the keystore only; all or nothing, audited, managers only."""

from __future__ import annotations

import json
import logging
import socket
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pos_app.app import AppContext, StartupError, open_app
from pos_app.config import load_config, load_station, resolve_config, station_path
from pos_app.domain.audit import AuditAction
from pos_app.domain.errors import FormErrors, GatewayAuthError, PermissionDeniedError
from pos_app.domain.people import Actor, Role
from pos_app.domain.ports import AuditQuery
from pos_app.gateway.stripe_gateway import StripeGateway
from pos_app.keystore import KeyStore
from pos_app.services.settings import LOCK_MINUTES_KEY, NOT_MANAGER, SettingsChange
from tests.unit.test_keystore import MemoryKeyring

MANAGER = Actor("usr_mia", "Mia Manager", Role.MANAGER)
STAFF = Actor("usr_sam", "Sam Staff", Role.STAFF)
TEST_KEY = "sk_test_51Hsettingstestkey7781"
LIVE_KEY = "sk_live_51Hsettingslivekey9932"


@pytest.fixture
def keyring_backend() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def env(app_env: dict[str, str]) -> dict[str, str]:
    """The shared test environment without POS_TIMEZONE, so the time zone can be set here."""
    return {k: v for k, v in app_env.items() if k != "POS_TIMEZONE"}


@pytest.fixture
def ctx(env: dict[str, str], keyring_backend: MemoryKeyring) -> Iterator[AppContext]:
    """An app whose keystore is an in-memory keyring, with a manager signed in."""
    store = KeyStore(Path(env["POS_DATA_DIR"]), keyring_backend)
    context = open_app(load_config(env), sandbox="none", secrets=store)
    context.deps.desk.sign_in(MANAGER)
    yield context
    context.close()


def change(ctx: AppContext, **fields: object) -> SettingsChange:
    return replace(SettingsChange.from_view(ctx.settings.load()), **fields)  # type: ignore[arg-type]


def settings_entries(ctx: AppContext) -> list[str]:
    with ctx.deps.uow() as uow:
        return [
            e.detail
            for e in uow.audit.query(AuditQuery(actions=frozenset({AuditAction.SETTINGS_CHANGED})))
        ]


def test_business_settings_are_shared_audited_and_apply_at_once(ctx: AppContext) -> None:
    result = ctx.settings.save(
        change(
            ctx,
            business_name="  Salon Nova ",
            currency="eur",
            timezone="Europe/Paris",
            hold_minutes=15,
        )
    )
    assert not result.restart_needed
    assert (ctx.config.business_name, ctx.config.currency) == ("Salon Nova", "eur")
    assert (str(ctx.config.timezone), ctx.config.hold_minutes) == ("Europe/Paris", 15)
    policy = ctx.deps.policy  # what the use cases read: the next charge holds 15 minutes
    assert (policy.hold_minutes, policy.business_name, str(policy.timezone)) == (
        15,
        "Salon Nova",
        "Europe/Paris",
    )
    with ctx.deps.uow() as uow:
        assert uow.events.get_setting("business.name") == "Salon Nova"
        assert uow.events.get_setting("business.hold_minutes") == "15"
    [detail] = settings_entries(ctx)
    assert "business name: pos-app → Salon Nova" in detail
    assert "hold (minutes): 10 → 15" in detail and "default currency: USD → EUR" in detail
    with ctx.deps.uow() as uow:
        [entry] = uow.audit.query(AuditQuery(actions=frozenset({AuditAction.SETTINGS_CHANGED})))
    assert (entry.actor_id, entry.actor_name) == ("usr_mia", "Mia Manager")
    # Saving the same again changes nothing and records nothing.
    assert ctx.settings.save(change(ctx)).changes == ()
    assert len(settings_entries(ctx)) == 1


def test_stored_business_settings_come_back_at_start_and_the_environment_wins(
    ctx: AppContext, env: dict[str, str]
) -> None:
    ctx.settings.save(change(ctx, business_name="Salon Nova", hold_minutes=20))
    ctx.close()
    again = open_app(load_config(env), sandbox="none")
    try:
        assert (again.config.business_name, again.config.hold_minutes) == ("Salon Nova", 20)
        assert again.deps.policy.hold_minutes == 20
    finally:
        again.close()
    fixed = open_app(
        load_config({**env, "POS_BUSINESS_NAME": "From the environment"}), sandbox="none"
    )
    try:
        assert fixed.config.business_name == "From the environment"
        assert fixed.settings.load().locked["business_name"] == "POS_BUSINESS_NAME"
        fixed.deps.desk.sign_in(MANAGER)
        with pytest.raises(FormErrors) as err:
            fixed.settings.save(change(fixed, business_name="Other"))
        assert err.value.errors["business_name"] == (
            "This is set by POS_BUSINESS_NAME in the environment; change it there."
        )
    finally:
        fixed.close()


def test_only_a_manager_changes_settings(ctx: AppContext) -> None:
    ctx.deps.desk.sign_in(STAFF)
    with pytest.raises(PermissionDeniedError) as err:
        ctx.settings.save(change(ctx, business_name="Nope"))
    assert err.value.message == NOT_MANAGER == "Only a manager can change settings."
    assert ctx.config.business_name == "pos-app" and settings_entries(ctx) == []


def test_bad_input_gets_a_sentence_per_field_and_saves_nothing(
    ctx: AppContext, keyring_backend: MemoryKeyring
) -> None:
    bad = change(
        ctx,
        business_name="   ",
        currency="xyz",
        timezone="Mars/Olympus",
        hold_minutes=45,
        lock_minutes=999,
        mode="live",
        secret_key=TEST_KEY,
        webhook_enabled=True,
        webhook_port=80,
        webhook_secret="not-a-secret",
        theme="dark",
    )
    with pytest.raises(FormErrors) as err:
        ctx.settings.save(bad)
    errors = err.value.errors
    assert errors == {
        "business_name": "Enter the business name customers see.",
        "currency": "XYZ is not a currency Stripe accepts; pick one from the list.",
        "timezone": "'Mars/Olympus' is not a time zone. Type a city to search, e.g. Europe/London.",
        "hold_minutes": "Hold a payment link for 2 to 30 minutes.",
        "lock_minutes": "Lock after 1 to 240 minutes without use, or never.",
        "secret_key": (
            "This is a test key, but live mode is chosen. Live mode needs a key starting with "
            "sk_live_ or rk_live_."
        ),
        "webhook_secret": (
            "A webhook signing secret starts with whsec_. Stripe shows it with the endpoint."
        ),
        "webhook_port": "Choose a port from 1024 to 65535.",
    }
    # Nothing at all was saved: not the theme that was fine, not the key, no audit entry.
    assert not station_path(ctx.config.data_dir).exists()
    assert keyring_backend.entries == {}
    assert settings_entries(ctx) == []
    assert ctx.config.hold_minutes == 10


@pytest.mark.sqlite_only(reason="each mode has its own SQLite file; reads the file's dump")
def test_switching_to_test_mode_keeps_the_key_in_the_keystore_only(
    ctx: AppContext,
    keyring_backend: MemoryKeyring,
    env: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    # The key is checked with "Stripe" first: here the test sandbox, which takes sk_test_ keys.
    result = ctx.settings.save(change(ctx, mode="test", secret_key=f" {TEST_KEY} "))
    assert result.restart_needed
    assert keyring_backend.entries == {("pos-app", "stripe-secret-key-test"): TEST_KEY}
    assert load_station(ctx.config.data_dir).mode == "test"
    assert result.view.key_hints["test"] == "…7781"
    [detail] = settings_entries(ctx)
    assert detail == "mode: sandbox → test; secret key for test mode changed (…7781)"
    # Never in the station file, the database, the audit log or the log.
    assert TEST_KEY not in station_path(ctx.config.data_dir).read_text()
    database = Path(ctx.config.database_url.removeprefix("sqlite:///"))
    with sqlite3.connect(database) as conn:
        dump = "\n".join(conn.iterdump())
    assert "…7781" in dump and TEST_KEY not in dump
    assert TEST_KEY not in caplog.text
    # The next start uses it: test mode, on its own database.
    store = KeyStore(ctx.config.data_dir, keyring_backend)
    config = resolve_config(env, secrets=store)
    assert (config.mode, config.secret_key) == ("test", TEST_KEY)
    assert config.database_url.endswith("pos-test.sqlite3")


def test_a_key_stripe_refuses_is_not_saved(ctx: AppContext, keyring_backend: MemoryKeyring) -> None:
    # The sandbox refuses live keys with a 401, as Stripe refuses a revoked or mistyped key.
    with pytest.raises(FormErrors) as err:
        ctx.settings.save(change(ctx, mode="live", secret_key=LIVE_KEY))
    assert err.value.errors == {"secret_key": "Stripe did not accept this key."}
    assert keyring_backend.entries == {} and load_station(ctx.config.data_dir).mode == "sandbox"
    missing = change(ctx, mode="live")
    with pytest.raises(FormErrors) as err:
        ctx.settings.save(missing)
    assert err.value.errors["secret_key"].startswith("Live mode needs a secret key")


def test_check_key(ctx: AppContext) -> None:
    assert ctx.settings.check_key("sandbox").startswith("The sandbox answered")
    assert ctx.settings.check_key("test", TEST_KEY) == (
        "Stripe accepted this key: the app can work in test mode."
    )
    restricted = ctx.settings.check_key("test", "rk_test_51Hrestrictedkey0001")
    # A hand-typed rk_test_ key has every permission in the sandbox; each one was tried.
    assert "restricted key has every permission the app needs" in restricted
    with pytest.raises(GatewayAuthError) as auth:
        ctx.settings.check_key("live", LIVE_KEY)
    assert auth.value.message == "Stripe did not accept this key."
    with pytest.raises(FormErrors) as form:
        ctx.settings.check_key("live", TEST_KEY)
    assert form.value.errors["secret_key"].startswith("This is a test key")


class _Forbidden(BaseHTTPRequestHandler):
    """Answers every call like Stripe does to a restricted key without the permission (here
    without naming it, as an older wording did)."""

    def do_GET(self) -> None:
        body = json.dumps(
            {
                "error": {
                    "type": "invalid_request_error",
                    "message": "The provided key 'rk_test_***0001' does not have the required "
                    "permissions for this endpoint.",
                }
            }
        ).encode()
        self.send_response(403)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *_args: object) -> None:
        pass


def test_a_restricted_key_without_checkout_permission_is_named() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Forbidden)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        gateway = StripeGateway(
            "rk_test_51Hrestrictedkey0001", mode="test", api_base=url, max_network_retries=0
        )
        with pytest.raises(GatewayAuthError) as err:
            gateway.verify_access()
        # Stripe named none: each permission is named by the call that needed it.
        assert err.value.message == (
            "This restricted key lacks Checkout Sessions: Write, PaymentIntents: Write, "
            "Charges: Read, Refunds: Write, Balance transaction sources: Read and Events: "
            "Read. Add them to the key in Stripe Dashboard › Developers › API keys, then "
            "check the key again."
        )
    finally:
        server.shutdown()
        server.server_close()


def test_lock_time_and_theme_are_this_stations(ctx: AppContext) -> None:
    assert ctx.settings.lock_minutes() == 5
    result = ctx.settings.save(change(ctx, lock_minutes=15, theme="dark"))
    assert not result.restart_needed
    assert ctx.settings.lock_minutes() == 15
    assert load_station(ctx.config.data_dir).theme == "dark"
    with ctx.deps.uow() as uow:  # where the idle lock reads it
        assert uow.events.get_setting(LOCK_MINUTES_KEY) == "15"
    ctx.settings.save(change(ctx, lock_minutes=0))
    assert settings_entries(ctx)[0] == "lock after: 15 min → never"


def test_webhook_receiver_needs_a_secret_and_a_free_port(
    ctx: AppContext, keyring_backend: MemoryKeyring
) -> None:
    with pytest.raises(FormErrors) as err:
        ctx.settings.save(change(ctx, webhook_enabled=True, webhook_port=12999))
    assert err.value.errors == {
        "webhook_secret": "Enter the endpoint's signing secret (whsec_…) to receive webhooks."
    }
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(FormErrors) as err:
            ctx.settings.save(
                change(ctx, webhook_enabled=True, webhook_port=port, webhook_secret="whsec_abc")
            )
    assert err.value.errors == {
        "webhook_port": f"Port {port} is already in use on this computer; choose another."
    }
    result = ctx.settings.save(
        change(ctx, webhook_enabled=True, webhook_port=port, webhook_secret="whsec_abc")
    )
    assert result.restart_needed
    assert keyring_backend.entries[("pos-app", "stripe-webhook-secret-sandbox")] == "whsec_abc"
    assert "whsec_abc" not in station_path(ctx.config.data_dir).read_text()


def test_a_database_remembers_its_mode(ctx: AppContext, env: dict[str, str]) -> None:
    if "POS_DATABASE_URL" in env:
        pytest.skip("the default SQLite files are what this is about")
    sandbox_db = ctx.config.database_url
    ctx.close()
    test_env = {**env, "STRIPE_SECRET_KEY": TEST_KEY}
    # Test mode on its own database opens fine...
    own = open_app(load_config(test_env), sandbox="none")
    own.close()
    # ...but never on the sandbox's: real or test records stay where they belong.
    with pytest.raises(StartupError) as err:
        open_app(load_config({**test_env, "POS_DATABASE_URL": sandbox_db}), sandbox="none")
    assert err.value.message.startswith(
        f"The database {sandbox_db.removeprefix('sqlite:///')} holds sandbox mode records, "
        "but the app is in test mode."
    )


PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_address_tax_id_and_logo_are_stored_copied_and_audited(
    ctx: AppContext, tmp_path: Path, env: dict[str, str]
) -> None:
    original = tmp_path / "Salon Logo.PNG"
    original.write_bytes(PNG_BYTES)
    ctx.settings.save(
        change(
            ctx,
            address="12 High Street\r\nLeeds LS1 4AB\n\n",
            tax_id=" GB 123 4567 89 ",
            logo_path=str(original),
        )
    )
    business = ctx.settings.business()
    assert business.address == "12 High Street\nLeeds LS1 4AB"
    assert business.tax_id == "GB 123 4567 89"
    # The logo is a copy in the data folder, so deleting the original changes nothing.
    kept = Path(business.logo_path)
    assert kept.parent == ctx.config.data_dir / "branding" and kept.suffix == ".png"
    assert kept.read_bytes() == PNG_BYTES
    original.unlink()
    assert (ctx.config.business_address, ctx.config.business_tax_id) == (
        business.address,
        business.tax_id,
    )
    assert ctx.config.business_logo == str(kept)
    with ctx.deps.uow() as uow:
        assert uow.events.get_setting("business.address") == "12 High Street\nLeeds LS1 4AB"
        assert uow.events.get_setting("business.tax_id") == "GB 123 4567 89"
        assert uow.events.get_setting("business.logo") == str(kept)
    [detail] = settings_entries(ctx)
    assert "address: (not set) → 12 High Street Leeds LS1 4AB" in detail
    assert "tax id: (not set) → GB 123 4567 89" in detail
    assert f"logo: (not set) → {kept.name}" in detail and str(tmp_path) not in detail
    # Saving the stored logo path again neither copies nor records anything.
    assert ctx.settings.save(change(ctx)).changes == ()
    # They come back at the next start, and "" clears them.
    ctx.close()
    again = open_app(load_config(env), sandbox="none")
    try:
        assert again.settings.business() == business
        again.deps.desk.sign_in(MANAGER)
        again.settings.save(change(again, address="", tax_id="", logo_path=""))
        cleared = again.settings.business()
        assert (cleared.address, cleared.tax_id, cleared.logo_path) == ("", "", "")
    finally:
        again.close()


def test_bad_address_tax_id_or_logo_gets_a_sentence_and_saves_nothing(
    ctx: AppContext, tmp_path: Path
) -> None:
    not_a_picture = tmp_path / "logo.png"
    not_a_picture.write_bytes(b"GIF89a not a png")
    cases: list[tuple[dict[str, object], str, str]] = [
        ({"address": "12 High St\x1b[2J"}, "address", "invisible control character"),
        ({"address": "x" * 301}, "address", "Keep the address to 300 characters or fewer."),
        ({"address": "a\nb\nc\nd\ne\nf"}, "address", "Keep the address to 5 lines or fewer"),
        ({"tax_id": "GB\u202e123"}, "tax_id", "The tax id has an invisible control character"),
        ({"tax_id": "9" * 41}, "tax_id", "Keep the tax id to 40 characters or fewer."),
        ({"logo_path": str(tmp_path / "logo.gif")}, "logo_path", "Choose a PNG or JPEG"),
        ({"logo_path": str(tmp_path / "gone.png")}, "logo_path", "gone.png could not be read"),
        ({"logo_path": str(not_a_picture)}, "logo_path", "logo.png is not a PNG picture"),
    ]
    for fields, field_name, sentence in cases:
        with pytest.raises(FormErrors) as err:
            ctx.settings.save(change(ctx, **fields))
        assert list(err.value.errors) == [field_name]
        assert sentence in err.value.errors[field_name]
    assert settings_entries(ctx) == []
    assert not (ctx.config.data_dir / "branding").exists()
    assert ctx.settings.business().address == ""


def test_language_is_this_stations_and_applies_at_the_next_start(ctx: AppContext) -> None:
    assert ctx.settings.load().station.language == "system"
    result = ctx.settings.save(change(ctx, language="de"))
    assert result.restart_needed  # every screen switches at once, at start-up
    assert load_station(ctx.config.data_dir).language == "de"
    assert settings_entries(ctx)[0] == "language: system → German"  # named, not "de"
    with pytest.raises(FormErrors) as err:
        ctx.settings.save(change(ctx, language="fr"))
    assert err.value.errors == {"language": "Choose a language from the list."}
    assert load_station(ctx.config.data_dir).language == "de"


def test_pos_language_fixes_the_language(ctx: AppContext) -> None:
    fixed = replace(ctx.config, language="es", env_fields=ctx.config.env_fields | {"language"})
    ctx.settings._config = lambda: fixed  # type: ignore[method-assign]  # as if started so
    with pytest.raises(FormErrors) as err:
        ctx.settings.save(change(ctx, language="de"))
    assert err.value.errors == {
        "language": "This is set by POS_LANGUAGE in the environment; change it there."
    }
