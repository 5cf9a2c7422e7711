"""Wrong-PIN counts per station and subject, read and counted under a lock."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pos_app.domain.sign_in import PinAttempts
from pos_app.store.schema import pin_attempts

# The column's width: a hand-edited station-id file may hold more (the rest never matters).
STATION_ID_MAX = 64


class SqlPinAttemptRepository:
    """The ``pin_attempts`` table."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def for_update(self, station_id: str, subject: str) -> PinAttempts:
        """The count for (station, subject), created at zero if new, locked until commit.

        On SQLite a writing unit of work already holds the database's write lock; on
        PostgreSQL the row lock serializes guesses, and a first guess racing another inserts
        in a savepoint, so the loser reads the winner's row instead of failing.
        """
        key = (station_id[:STATION_ID_MAX], subject)
        for _ in range(3):
            row = self._s.get(PinAttempts, key, with_for_update=True, populate_existing=True)
            if row is not None:
                return row
            try:
                with self._s.begin_nested():
                    row = PinAttempts(key[0], key[1])
                    self._s.add(row)
                return row
            except IntegrityError:
                continue  # another guess inserted it first: read (and wait for) that row
        raise RuntimeError(f"the PIN count for {subject} at {key[0]} could not be read")

    def clear_subject(self, subject: str) -> None:
        """Forget every station's count for ``subject`` (its PIN was replaced)."""
        self._s.execute(delete(pin_attempts).where(pin_attempts.c.subject == subject))
