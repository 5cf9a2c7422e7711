"""How a settings change reads in the audit log ("theme: light → dark")."""

from __future__ import annotations

from pathlib import PurePath

from pos_app.config import StationSettings
from pos_app.domain.audit import Detail, DetailValue, Language
from pos_app.domain.text import one_line
from pos_app.i18n import N_

_ON, _OFF, _NEVER, _NOT_SET = N_("on"), N_("off"), N_("never"), N_("(not set)")
# The settings' own values, as the audit log has always written them ("theme: light → dark").
_MODES = {"sandbox": N_("sandbox"), "test": N_("test"), "live": N_("live")}
_THEMES = {"system": N_("system"), "light": N_("light"), "dark": N_("dark")}

#: Each business setting as the audit log names it (a marked phrase).
BUSINESS_LABELS = {
    "business_name": N_("business name"),
    "currency": N_("default currency"),
    "timezone": N_("time zone"),
    "hold_minutes": N_("hold (minutes)"),
    "success_url": N_("after paying, customers go to"),
    "address": N_("address"),
    "tax_id": N_("tax id"),
    "logo_path": N_("logo"),
}


def business_value_words(name: str, value: object) -> DetailValue:
    """A business setting's value as the audit log words it (one line; the logo by its
    file name, not the folder it is kept in; nothing set is said in the reader's language)."""
    if name == "currency":
        return str(value).upper()
    shown = str(value)
    if name == "logo_path" and shown:
        shown = PurePath(shown).name
    return one_line(shown) or Detail(_NOT_SET)


def station_words(old: StationSettings, new: StationSettings) -> list[Detail]:
    """What changed in this station's settings, in the audit log's words (each said in the
    reader's language; a language by its name in the reader's language)."""
    words: list[Detail] = []
    if old.mode != new.mode:
        words.append(
            _change(N_("mode: {before} → {after}"), mode_words(old.mode), mode_words(new.mode))
        )
    if (old.webhook_enabled, old.webhook_port) != (new.webhook_enabled, new.webhook_port):

        def receiver(s: StationSettings) -> Detail:
            if s.webhook_enabled:
                return Detail(N_("on, port {port}"), {"port": s.webhook_port})
            return Detail(_OFF)

        words.append(
            _change(N_("webhook receiver: {before} → {after}"), receiver(old), receiver(new))
        )
    if old.lock_minutes != new.lock_minutes:

        def lock(minutes: int) -> Detail:
            return Detail(N_("{count} min"), {"count": minutes}) if minutes else Detail(_NEVER)

        words.append(
            _change(
                N_("lock after: {before} → {after}"), lock(old.lock_minutes), lock(new.lock_minutes)
            )
        )
    if old.theme != new.theme:
        words.append(
            _change(
                N_("theme: {before} → {after}"),
                Detail(_THEMES.get(old.theme, old.theme)),
                Detail(_THEMES.get(new.theme, new.theme)),
            )
        )
    if old.language != new.language:
        words.append(
            _change(
                N_("language: {before} → {after}"),
                language_words(old.language),
                language_words(new.language),
            )
        )
    if old.tip_on_display != new.tip_on_display:

        def asked(on: bool) -> Detail:
            return Detail(_ON if on else _OFF)

        words.append(
            _change(
                N_("tip on the customer display: {before} → {after}"),
                asked(old.tip_on_display),
                asked(new.tip_on_display),
            )
        )
    return words


def business_change(label: str, before: DetailValue, after: DetailValue) -> Detail:
    """A business setting's change: "time zone: Europe/London → Europe/Berlin" (``label`` a
    marked phrase of ``BUSINESS_LABELS``)."""
    return Detail(
        "{setting}: {before} → {after}",
        {"setting": Detail(label), "before": before, "after": after},
    )


def language_words(code: str) -> DetailValue:
    """The language setting's value: a language named when read ("German", "Deutsch"), or
    "system" (follow the computer's language) as the marked word the theme uses too."""
    if code == "system":
        return Detail(_THEMES["system"])
    return Language(code)


def mode_words(mode: str) -> Detail:
    """A mode ("test") as a marked word, said in the reader's language."""
    return Detail(_MODES.get(mode, mode))


def secret_changed(mode: str, hint: str | None) -> Detail:
    """A new Stripe secret key, named only by its last four characters."""
    return Detail(
        N_("secret key for {mode} mode changed ({hint})"),
        {"mode": mode_words(mode), "hint": hint or ""},
    )


def webhook_secret_changed(mode: str) -> Detail:
    """A new webhook signing secret (never shown)."""
    return Detail(N_("webhook signing secret for {mode} mode changed"), {"mode": mode_words(mode)})


def _change(template: str, before: DetailValue, after: DetailValue) -> Detail:
    return Detail(template, {"before": before, "after": after})
