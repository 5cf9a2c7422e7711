"""Checking PINs: signing in at the desk, and a manager's PIN approving a refund.

Wrong PINs throttle the one asking, per station and account (``domain.sign_in``). Each guess
is checked against the lock AND counted in one write transaction, before its PIN is compared
(Argon2, ~40 ms, outside the lock); a right PIN then clears the count. So N parallel guesses,
from threads or stations sharing the database, compare at most five PINs before the lock.
A refused guess still spends one verification per hash it would have compared, so the time
taken says nothing about locks or which account matched.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from pos_app.domain.audit import AuditAction, Detail, DetailValue, counted
from pos_app.domain.errors import NotFoundError, PermissionDeniedError
from pos_app.domain.people import Actor, User
from pos_app.domain.sign_in import MANAGER_APPROVAL, lock_seconds
from pos_app.i18n import N_, N_plural, ngettext
from pos_app.services import audit, pins
from pos_app.services.context import Deps

log = logging.getLogger(__name__)

WRONG_PIN = N_("That PIN is not right.")
NOT_ACTIVE = N_("That account is not active. Ask a manager.")


class WrongPinError(PermissionDeniedError):
    """The PIN did not match; the sentence belongs under the PIN field."""

    field = "pin"

    def __init__(self, message: str = WRONG_PIN) -> None:
        super().__init__(message)


class AccountLockedError(PermissionDeniedError):
    """Too many wrong PINs here: guesses are refused until ``until``. ``approval`` when it is
    approval by manager PIN at this station that is locked, not an account."""

    def __init__(self, until: datetime, now: datetime, *, approval: bool = False) -> None:
        self.until = until
        self.approval = approval
        self.seconds = max(1, int((until - now).total_seconds() + 0.999))
        super().__init__(locked_sentence(self.seconds, approval=approval))


def say_duration(seconds: int) -> str:
    """'30 seconds', '1 minute', '4 minutes': how long a lock lasts, in words."""
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = (seconds + 59) // 60
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def locked_sentence(seconds: int, *, approval: bool = False) -> str:
    """What a locked person reads: one sentence, ending with when to try again, in the UI
    language (a whole sentence per case and unit; the count's form by ``ngettext``)."""
    if seconds < 60:
        count = seconds
        if approval:
            sentence = ngettext(
                "Too many wrong manager PINs at this station: try again in {count} second.",
                "Too many wrong manager PINs at this station: try again in {count} seconds.",
                count,
            )
        else:
            sentence = ngettext(
                "Too many wrong PINs: try again in {count} second.",
                "Too many wrong PINs: try again in {count} seconds.",
                count,
            )
    else:
        count = (seconds + 59) // 60
        if approval:
            sentence = ngettext(
                "Too many wrong manager PINs at this station: try again in {count} minute.",
                "Too many wrong manager PINs at this station: try again in {count} minutes.",
                count,
            )
        else:
            sentence = ngettext(
                "Too many wrong PINs: try again in {count} minute.",
                "Too many wrong PINs: try again in {count} minutes.",
                count,
            )
    return sentence.format(count=count)


class SignInService:
    """PIN checks for this station, throttled per station and account."""

    def __init__(self, deps: Deps) -> None:
        self._d = deps

    def authenticate(self, user_id: str, pin: str) -> Actor:
        """Check ``pin`` for the account and sign it in at this desk.

        WrongPinError for a wrong PIN, AccountLockedError while the account is locked at this
        station (its PIN is then not compared), ValidationError for a PIN of the wrong shape
        (not counted), NotFoundError for an inactive account.
        """
        pins.check_pin(pin)
        now = self._d.clock.now()
        station = self._d.policy.station_id
        failures = 0
        with self._d.uow(write=True) as uow:
            user = uow.users.get(user_id)
            if user is None or not user.active:
                raise NotFoundError(NOT_ACTIVE)
            attempts = uow.pin_attempts.for_update(station, user_id)
            locked_until = attempts.locked_until if attempts.locked(now) else None
            if locked_until is None:
                attempts.reserve(now)
                failures = attempts.failures
                uow.commit()
        if locked_until is not None:
            pins.burn_verify(pin)
            raise AccountLockedError(locked_until, now)
        if pins.verify_pin(user.pin_hash, pin):
            return self._signed_in(user, pin, now)
        with self._d.uow(write=True) as uow:
            audit.record(
                uow,
                at=now,
                actor=Actor.of(user),
                action=AuditAction.USER_SIGN_IN_FAILED,
                detail=_failure_detail(False, failures),
            )
            uow.commit()
        log.warning(
            "user.sign_in_failed user=%s station=%s failures=%s", user.id, station, failures
        )
        raise _refusal(failures, now)

    def verify_manager_pin(self, pin: str) -> Actor | None:
        """The active manager whose PIN this is, or None; for approving a refund at the desk.

        The PIN names no account, so a wrong one counts for this station's approvals
        (``MANAGER_APPROVAL``), never against a manager: five in a row lock approval by PIN
        here (AccountLockedError) while every manager can still sign in. Every manager's hash
        is compared (no early exit), so the time says nothing about who matched.
        """
        if not pins.is_valid_pin(pin):
            return None
        now = self._d.clock.now()
        station = self._d.policy.station_id
        failures = 0
        with self._d.uow(write=True) as uow:
            managers = [u for u in uow.users.list() if u.is_manager]
            attempts = uow.pin_attempts.for_update(station, MANAGER_APPROVAL)
            locked_until = attempts.locked_until if attempts.locked(now) else None
            if locked_until is None:
                attempts.reserve(now)
                failures = attempts.failures
                uow.commit()
        if locked_until is not None:
            for _ in range(max(1, len(managers))):
                pins.burn_verify(pin)
            raise AccountLockedError(locked_until, now, approval=True)
        matched: User | None = None
        for manager in managers:
            if pins.verify_pin(manager.pin_hash, pin) and matched is None:
                matched = manager
        if not managers:
            pins.burn_verify(pin)
        asker = self._d.desk.actor
        with self._d.uow(write=True) as uow:
            if matched is not None:
                uow.pin_attempts.for_update(station, MANAGER_APPROVAL).clear()
            else:
                audit.record(
                    uow,
                    at=now,
                    actor=asker,
                    action=AuditAction.USER_SIGN_IN_FAILED,
                    detail=_failure_detail(True, failures),
                )
            uow.commit()
        if matched is not None:
            log.info("user.manager_approved user=%s by=%s", matched.id, asker.id)
            return Actor.of(matched)
        log.warning(
            "user.manager_pin_failed by=%s station=%s failures=%s", asker.id, station, failures
        )
        if lock_seconds(failures):
            raise _refusal(failures, now, approval=True)
        return None

    def _signed_in(self, user: User, pin: str, now: datetime) -> Actor:
        """The PIN matched: clear this station's count, upgrade an old hash, sign in."""
        new_hash = pins.hash_pin(pin) if pins.needs_rehash(user.pin_hash) else None
        with self._d.uow(write=True) as uow:
            fresh = uow.users.get(user.id, for_update=True)
            if fresh is None or not fresh.active:  # deactivated while the PIN was compared
                raise NotFoundError(NOT_ACTIVE)
            uow.pin_attempts.for_update(self._d.policy.station_id, user.id).clear()
            if new_hash is not None and fresh.pin_hash == user.pin_hash:
                fresh.pin_hash = new_hash
            actor = Actor.of(fresh)
            audit.record(uow, at=now, actor=actor, action=AuditAction.USER_SIGNED_IN)
            uow.commit()
        self._d.desk.sign_in(actor)
        log.info("user.signed_in user=%s", user.id)
        return actor


def _refusal(failures: int, now: datetime, *, approval: bool = False) -> PermissionDeniedError:
    """The error for a wrong PIN that was the ``failures``-th in a row."""
    seconds = lock_seconds(failures)
    if seconds:
        return AccountLockedError(now + timedelta(seconds=seconds), now, approval=approval)
    return WrongPinError()


def _failure_detail(manager: bool, failures: int) -> Detail:
    # "in a row" needs no plural: the count stands alone in every shipped language.
    seconds = lock_seconds(failures)
    values: dict[str, DetailValue] = {"count": failures}
    if not seconds:
        if manager:
            return Detail(N_("Wrong manager PIN ({count} in a row)"), values)
        return Detail(N_("Wrong PIN ({count} in a row)"), values)
    # The lock's length in the reader's words, not the English of when it happened.
    minutes = (seconds + 59) // 60
    # The form is the reader's language's (Spanish has three), picked when it is shown.
    if seconds < 60:
        values["duration"] = counted(N_plural("{count} second", "{count} seconds"), seconds)
    else:
        values["duration"] = counted(N_plural("{count} minute", "{count} minutes"), minutes)
    if manager:
        return Detail(N_("Wrong manager PIN ({count} in a row); locked for {duration}"), values)
    return Detail(N_("Wrong PIN ({count} in a row); locked for {duration}"), values)
