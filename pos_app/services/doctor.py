"""`pos-app doctor` and Settings' "Check connection": the whole path to Stripe, a line a check.

Each check ends in one ``Check`` (✓ or ✗ and a sentence); the CLI and the dialog only render
them. Stripe is asked only harmless things, except one test session of the smallest amount
that is opened and closed at once (never in live mode; see ``doctor_session``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pos_app.config import Config, key_hint, key_problem, webhook_secret_problem
from pos_app.domain.errors import GatewayError, GatewayUnavailable
from pos_app.domain.money import Money
from pos_app.i18n import N_, gettext
from pos_app.services.checkout import STRIPE_MIN_LIFETIME, STRIPE_SHORTEST_SESSION
from pos_app.services.checkout_request import (
    SUCCESS_URL_LABEL,
    SUCCESS_URL_MISSING,
    check_success_url,
)
from pos_app.services.context import Deps
from pos_app.services.doctor_local import (
    PortState,
    Privacy,
    data_dir_privacy,
    probe_webhook_port,
)
from pos_app.services.doctor_session import DoctorSession
from pos_app.services.payment_sync import EVENT_TYPES, SyncService

log = logging.getLogger(__name__)

# Stripe refuses a session that expires sooner than 30 minutes after it is created; the app
# asks for 31 (STRIPE_MIN_LIFETIME), so a local clock more than the minute of margin behind
# Stripe's would make a payment link be refused. Webhook signatures allow 300 s and holds use
# Stripe's clock, so this minute is the tightest bound the app depends on.
MAX_CLOCK_SKEW_SECONDS = (STRIPE_MIN_LIFETIME - STRIPE_SHORTEST_SESSION).total_seconds()
# Under this the offset is within what a whole-second Date header can tell.
CLOCK_AGREES_SECONDS = 1.5
WRITE_KEY = "doctor.checked_at.{station}"
FAILED_UNEXPECTEDLY = N_("This check failed unexpectedly; the details are in the log.")

SchemaProbe = Callable[[], tuple[str | None, str]]
PortProbe = Callable[[int], PortState]
PrivacyProbe = Callable[[Path], Privacy]


@dataclass(frozen=True)
class Check:
    """One line of the report: what was checked, whether it passed, and a sentence."""

    name: str
    ok: bool
    detail: str
    # Passed without being tried (live mode's test session, a check this system cannot do).
    skipped: bool = False
    # Passed, with something to tell (a restricted key without an optional permission): it
    # never fails the report, so `doctor`'s exit code does not change for it.
    warning: bool = False

    @property
    def mark(self) -> str:
        """✓, ✗, – for a check skipped on purpose, or ! for one that passed with a warning."""
        if not self.ok:
            return "✗"
        if self.skipped:
            return "–"
        return "!" if self.warning else "✓"

    @property
    def line(self) -> str:
        """The line the CLI prints and the dialog shows."""
        return f"{self.mark} {self.detail}"


@dataclass(frozen=True)
class DoctorReport:
    """Every check of one run, in the order they are shown."""

    mode: str
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        """True when every check passed (skipped ones count as passed)."""
        return all(c.ok for c in self.checks)

    def to_json(self) -> dict[str, Any]:
        """``{"ok", "mode", "checks": [{"name", "ok", "skipped", "warning", "detail"}]}``."""
        return {
            "ok": self.ok,
            "mode": self.mode,
            "checks": [
                {
                    "name": c.name,
                    "ok": c.ok,
                    "skipped": c.skipped,
                    "warning": c.warning,
                    "detail": c.detail,
                }
                for c in self.checks
            ],
        }


class DoctorService:
    """Runs every check against the running configuration (Stripe or the sandbox alike)."""

    def __init__(
        self,
        deps: Deps,
        *,
        config: Callable[[], Config],
        sync: SyncService,
        session: DoctorSession,
        schema: SchemaProbe,
        api_base: str | None = None,
        port_probe: PortProbe = probe_webhook_port,
        privacy: PrivacyProbe = data_dir_privacy,
    ) -> None:
        self._d = deps
        self._config = config
        self._sync = sync
        self._session = session  # the test session's stored steps (app.py wires it)
        self._schema = schema
        self._api_base = api_base
        self._port_probe = port_probe
        self._privacy = privacy

    def run(self) -> DoctorReport:
        """Every check, in order; never raises for what it finds (each finding is a line)."""
        cfg = self._config()
        state = _RunState()
        database = self._guarded("database", self._database)
        state.db_writable = database.ok
        checks: list[Check] = [self._guarded("key", lambda: self._key(cfg))]
        checks += self._permissions(state)
        checks.append(self._guarded("success_url", lambda: self._success_url(cfg)))
        checks.append(self._stripe(state, "test_session", lambda: self._test_session(cfg, state)))
        checks.append(self._stripe(state, "events", lambda: self._events(state)))
        checks.append(self._stripe(state, "events_cursor", lambda: self._cursor(state)))
        checks.append(self._guarded("clock", lambda: self._clock(state)))
        checks += self._webhooks(cfg)
        checks.append(database)
        checks.append(self._guarded("schema", self._schema_check))
        checks.append(self._guarded("data_dir", lambda: self._data_dir(cfg)))
        report = DoctorReport(cfg.mode, tuple(checks))
        log.info(
            "doctor.ran mode=%s ok=%s failed=%s",
            cfg.mode,
            report.ok,
            ",".join(c.name for c in checks if not c.ok) or "-",
        )
        return report

    # -- running a check ---------------------------------------------------------------

    def _guarded(self, name: str, check: Callable[[], Check]) -> Check:
        """A bug in one check is a ✗ line, never the end of the report."""
        try:
            return check()
        except GatewayError as err:
            return Check(name, False, gettext(err.message))
        except Exception:
            _log_crash(name)
            return Check(name, False, gettext(FAILED_UNEXPECTEDLY))

    def _stripe(self, state: _RunState, name: str, check: Callable[[], Check]) -> Check:
        """A check that asks Stripe: not tried once Stripe is out of reach or refused the key."""
        if state.blocked:
            return Check(name, False, gettext("Not checked: {reason}").format(reason=state.blocked))
        try:
            return check()
        except GatewayUnavailable as err:
            state.blocked = gettext(err.message)
            return Check(name, False, state.blocked)
        except GatewayError as err:
            return Check(name, False, gettext(err.message))
        except Exception:
            _log_crash(name)
            return Check(name, False, gettext(FAILED_UNEXPECTEDLY))

    # -- the key and its permissions ---------------------------------------------------

    def _key(self, cfg: Config) -> Check:
        if cfg.mode == "sandbox":
            if self._api_base:
                sandbox = gettext(
                    "Sandbox mode: the app talks to the built-in sandbox at {address}; no card "
                    "is ever charged."
                ).format(address=self._api_base)
            else:
                sandbox = gettext(
                    "Sandbox mode: the app talks to the built-in sandbox; no card is ever charged."
                )
            return Check("key", True, sandbox)
        problem = key_problem(cfg.mode, cfg.secret_key)
        if problem:
            return Check("key", False, problem)
        restricted = cfg.secret_key.startswith("rk_")
        ending = key_hint(cfg.secret_key)
        where = (
            " " + gettext("The app talks to Stripe at {address}.").format(address=self._api_base)
            if cfg.api_base
            else ""
        )
        if cfg.mode == "live":
            line = (
                gettext(
                    "LIVE mode with the restricted key ending {ending}: customers' cards are "
                    "really charged."
                )
                if restricted
                else gettext(
                    "LIVE mode with the secret key ending {ending}: customers' cards are really "
                    "charged."
                )
            )
        else:
            line = (
                gettext(
                    "Test mode with the restricted key ending {ending}: only Stripe's test cards "
                    "work; no real money moves."
                )
                if restricted
                else gettext(
                    "Test mode with the secret key ending {ending}: only Stripe's test cards "
                    "work; no real money moves."
                )
            )
        return Check("key", True, line.format(ending=ending) + where)

    def _permissions(self, state: _RunState) -> list[Check]:
        """Each permission the app needs, checked with a harmless call."""
        try:
            found = self._d.gateway.check_permissions()
        except GatewayError as err:
            # The first call of the run: a refused key or no connection stops the Stripe checks.
            state.blocked = gettext(err.message)
            return [Check("permissions", False, state.blocked)]
        except Exception:
            _log_crash("permissions")
            return [Check("permissions", False, gettext(FAILED_UNEXPECTEDLY))]
        # No Date header is noted from these probes: the clock check waits for a later call.
        # An optional permission the key lacks is a warning line, never a failed one.
        return [
            Check(
                f"permission: {p.permission}",
                p.ok or p.optional,
                p.detail,
                warning=p.optional and not p.ok,
            )
            for p in found
        ]

    # -- success URL -------------------------------------------------------------------

    def _success_url(self, cfg: Config) -> Check:
        url = self._d.policy.success_url
        if not url:
            if cfg.mode == "sandbox":
                return Check(
                    "success_url",
                    True,
                    gettext(
                        "'{setting}' is not set: in the sandbox customers see the sandbox's own "
                        "thank-you page."
                    ).format(setting=gettext(SUCCESS_URL_LABEL)),
                )
            refuses = (
                gettext("The app refuses to charge in live mode until then.")
                if cfg.mode == "live"
                else gettext("The app refuses to charge in test mode until then.")
            )
            return Check("success_url", False, f"{gettext(SUCCESS_URL_MISSING)} {refuses}")
        if cfg.mode == "sandbox" and self._api_base and url.startswith(self._api_base):
            return Check(
                "success_url",
                True,
                gettext(
                    "After paying, customers see the sandbox's own thank-you page (test and "
                    "live mode need '{setting}' set to your website)."
                ).format(setting=gettext(SUCCESS_URL_LABEL)),
            )
        _cleaned, problem = check_success_url(url)
        if problem:
            return Check(
                "success_url",
                False,
                gettext("'{setting}' ({address}): {problem}").format(
                    setting=gettext(SUCCESS_URL_LABEL), address=url, problem=gettext(problem)
                ),
            )
        return Check(
            "success_url",
            True,
            gettext("After paying, customers go to {address}.").format(address=url),
        )

    # -- one test session, opened and closed at once -------------------------------------

    def _test_session(self, cfg: Config, state: _RunState) -> Check:
        if cfg.mode == "live":
            return Check(
                "test_session",
                True,
                gettext(
                    "Live mode: no test session was opened, so nothing was created that could "
                    "charge anyone. Charge yourself a small amount and refund it to prove the "
                    "path."
                ),
                skipped=True,
            )
        if not state.db_writable:
            return Check(
                "test_session",
                False,
                gettext(
                    "Not tried: the database cannot be written to, and the app stores every "
                    "request's key before sending it."
                ),
            )
        policy = self._d.policy
        if cfg.mode != "sandbox" and not policy.success_url:
            return Check(
                "test_session",
                False,
                gettext("Not tried: a test session needs '{setting}' (see above).").format(
                    setting=gettext(SUCCESS_URL_LABEL)
                ),
            )
        run, session = self._session.open_and_close(
            cfg.currency, policy.success_url, policy.cancel_url or policy.success_url
        )
        state.answered = True
        money = Money(run.amount, run.currency)
        if session is None or session.status != "expired":
            status = session.status if session is not None else "unknown"
            return Check(
                "test_session",
                False,
                gettext(
                    "Stripe opened the {amount} test session but it is {state}, not closed."
                ).format(amount=money, state=status),
            )
        if session.amount_total != run.amount or session.currency != run.currency:
            return Check(
                "test_session",
                False,
                gettext(
                    "Stripe answered the {amount} test session with {answer}: amounts would be "
                    "wrong."
                ).format(amount=money, answer=Money(session.amount_total, session.currency)),
            )
        return Check(
            "test_session",
            True,
            gettext(
                "Opened a {amount} test session and closed it at once ({session}): Stripe "
                "accepts this app's payment links. Nothing was charged."
            ).format(amount=money, session=session.id),
        )

    # -- the events feed and the clock ---------------------------------------------------

    def _events(self, state: _RunState) -> Check:
        page = self._d.gateway.list_events(types=EVENT_TYPES, ending_before=None, limit=1)
        state.answered = True
        if not page.events:
            return Check(
                "events", True, gettext("Stripe's events feed is readable (no events yet).")
            )
        newest = page.events[0]
        return Check(
            "events",
            True,
            gettext("Stripe's events feed is readable (newest: {type}, {event}).").format(
                type=newest.type, event=newest.id
            ),
        )

    def _cursor(self, state: _RunState) -> Check:
        health = self._sync.cursor_health()
        state.answered = True
        return Check("events_cursor", health.ok, health.sentence)

    def _clock(self, state: _RunState) -> Check:
        if not state.answered:
            return Check(
                "clock",
                False,
                gettext("Not checked: Stripe did not answer, so its clock is unknown."),
            )
        # Positive: Stripe's clock is ahead, so this computer's is behind.
        offset = self._d.gateway.server_clock_offset()
        seconds = round(abs(offset))
        if abs(offset) < CLOCK_AGREES_SECONDS:
            return Check(
                "clock", True, gettext("This computer's clock agrees with Stripe's (within 1 s).")
            )
        behind = offset > 0
        limit = int(MAX_CLOCK_SKEW_SECONDS)
        if abs(offset) > MAX_CLOCK_SKEW_SECONDS:
            too_far = (
                gettext(
                    "This computer's clock is {seconds} s behind Stripe's, more than the "
                    "{limit} s the app allows for: payment links could be refused. Turn on "
                    "setting the time automatically."
                )
                if behind
                else gettext(
                    "This computer's clock is {seconds} s ahead of Stripe's, more than the "
                    "{limit} s the app allows for: payment links could be refused. Turn on "
                    "setting the time automatically."
                )
            )
            return Check("clock", False, too_far.format(seconds=seconds, limit=limit))
        near = (
            gettext(
                "This computer's clock is {seconds} s behind Stripe's; the app corrects for up "
                "to {limit} s."
            )
            if behind
            else gettext(
                "This computer's clock is {seconds} s ahead of Stripe's; the app corrects for "
                "up to {limit} s."
            )
        )
        return Check("clock", True, near.format(seconds=seconds, limit=limit))

    # -- webhooks ----------------------------------------------------------------------

    def _webhooks(self, cfg: Config) -> list[Check]:
        if cfg.webhook_port is None and not cfg.webhook_secret:
            return [
                Check(
                    "webhooks",
                    True,
                    gettext(
                        "Webhooks are off: the app reads Stripe's events feed every few seconds "
                        "instead."
                    ),
                )
            ]
        checks = [self._guarded("webhook_secret", lambda: self._webhook_secret(cfg))]
        checks.append(self._guarded("webhook_port", lambda: self._webhook_port(cfg)))
        return checks

    def _webhook_secret(self, cfg: Config) -> Check:
        if not cfg.webhook_secret:
            return Check(
                "webhook_secret",
                False,
                gettext(
                    "The webhook receiver has no signing secret: paste the endpoint's whsec_ "
                    "secret in Settings ▸ Payments."
                ),
            )
        problem = webhook_secret_problem(cfg.webhook_secret)
        if problem:
            return Check("webhook_secret", False, problem)
        return Check(
            "webhook_secret",
            True,
            gettext("The webhook signing secret ending {ending} is set.").format(
                ending=key_hint(cfg.webhook_secret)
            ),
        )

    def _webhook_port(self, cfg: Config) -> Check:
        port = cfg.webhook_port
        if port is None:
            return Check(
                "webhook_port",
                True,
                gettext(
                    "The desktop app does not receive webhooks (no port set); `pos-app "
                    "webhooks --port N` can."
                ),
            )
        address = f"http://127.0.0.1:{port}/stripe/webhook"
        found = self._port_probe(port)
        if found is PortState.RECEIVER:
            return Check(
                "webhook_port",
                True,
                gettext("The webhook receiver answers at {address}.").format(address=address),
            )
        if found is PortState.FREE:
            return Check(
                "webhook_port",
                True,
                gettext(
                    "Port {port} is free: the desktop app receives webhooks at {address} while "
                    "it runs."
                ).format(port=port, address=address),
            )
        return Check(
            "webhook_port",
            False,
            gettext(
                "Another program is using port {port}: choose another port for the webhook "
                "receiver in Settings ▸ Payments."
            ).format(port=port),
        )

    # -- this computer -----------------------------------------------------------------

    def _database(self) -> Check:
        name = _database_label(self._config().database_url)
        try:
            with self._d.uow(write=True) as uow:
                uow.events.set_setting(
                    WRITE_KEY.format(station=self._d.policy.station_id),
                    self._d.clock.now().isoformat(),
                )
                uow.commit()
        except Exception:
            log.info("doctor.database_not_writable", exc_info=True)
            return Check(
                "database",
                False,
                gettext(
                    "The database ({name}) cannot be written to: check that your account may "
                    "write the file and its folder (details are in the log)."
                ).format(name=name),
            )
        return Check(
            "database", True, gettext("The database ({name}) is writable.").format(name=name)
        )

    def _schema_check(self) -> Check:
        current, head = self._schema()
        if current == head:
            return Check(
                "schema",
                True,
                gettext("The database schema is up to date (revision {revision}).").format(
                    revision=head
                ),
            )
        if current is None:
            return Check(
                "schema",
                False,
                gettext("The database has no schema yet: start the app once to create it."),
            )
        return Check(
            "schema",
            False,
            gettext(
                "The database schema is at revision {current}, but this app expects {head}: "
                "restart the app to migrate it, or update pos-app if another station is newer."
            ).format(current=current, head=head),
        )

    def _data_dir(self, cfg: Config) -> Check:
        if os.name == "nt":
            return Check(
                "data_dir",
                True,
                gettext(
                    "Folder permissions are not checked on Windows (your user profile keeps the "
                    "data folder private)."
                ),
                skipped=True,
            )
        found = self._privacy(cfg.data_dir)
        return Check("data_dir", found.ok, found.sentence())


class _RunState:
    """What one run has learnt so far, for the checks that depend on it."""

    def __init__(self) -> None:
        self.blocked: str | None = None  # why Stripe checks are not tried any more
        self.answered = False  # some Stripe call succeeded: its Date header was seen
        self.db_writable = False


def _log_crash(name: str) -> None:
    # The traceback goes to the log file only (INFO): the ✗ line is what people see, and
    # the console shows warnings, which would print the traceback under the report.
    log.info("doctor.check_crashed check=%s", name, exc_info=True)


def _database_label(url: str) -> str:
    """A file name for SQLite; never a URL (it could carry a password)."""
    if url.startswith("sqlite"):
        return Path(url.split(":///", 1)[-1]).name or "SQLite"
    return gettext("the shared database")
