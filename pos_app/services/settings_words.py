"""How a settings change reads in the audit log ("theme: light → dark")."""

from __future__ import annotations

from pathlib import PurePath

from pos_app.config import StationSettings
from pos_app.domain.text import one_line


def business_value_words(name: str, value: object) -> str:
    """A business setting's value as the audit log words it (one line; the logo by its
    file name, not the folder it is kept in)."""
    if name == "currency":
        return str(value).upper()
    shown = str(value)
    if name == "logo_path" and shown:
        shown = PurePath(shown).name
    return one_line(shown) or "(not set)"


def station_words(old: StationSettings, new: StationSettings) -> list[str]:
    """What changed in this station's settings, in the audit log's words."""
    words: list[str] = []
    if old.mode != new.mode:
        words.append(f"mode: {old.mode} → {new.mode}")
    if (old.webhook_enabled, old.webhook_port) != (new.webhook_enabled, new.webhook_port):

        def receiver(s: StationSettings) -> str:
            return f"on, port {s.webhook_port}" if s.webhook_enabled else "off"

        words.append(f"webhook receiver: {receiver(old)} → {receiver(new)}")
    if old.lock_minutes != new.lock_minutes:

        def lock(minutes: int) -> str:
            return f"{minutes} min" if minutes else "never"

        words.append(f"lock after: {lock(old.lock_minutes)} → {lock(new.lock_minutes)}")
    if old.theme != new.theme:
        words.append(f"theme: {old.theme} → {new.theme}")
    if old.language != new.language:
        words.append(f"language: {old.language} → {new.language}")
    if old.tip_on_display != new.tip_on_display:

        def asked(on: bool) -> str:
            return "on" if on else "off"

        words.append(
            f"tip on the customer display: {asked(old.tip_on_display)} → "
            f"{asked(new.tip_on_display)}"
        )
    return words
