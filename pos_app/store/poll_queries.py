"""The one cheap read the poller makes to pick its pace: is a payment link open anywhere?"""

from __future__ import annotations

from sqlalchemy import Engine, exists, select

from pos_app.domain.payment import PaymentMethod, PaymentStatus
from pos_app.store.schema import payments

#: A card payment being created or open: a customer may be paying it now.
LINK_STATES = (PaymentStatus.CREATING, PaymentStatus.OPEN)


def link_open_anywhere(engine: Engine) -> bool:
    """Whether any station of the business has a card payment link being created or open.

    One indexed EXISTS (``payments.status``): it stops at the first row found.
    """
    p = payments.c
    query = select(exists().where(p.status.in_(LINK_STATES), p.method == PaymentMethod.CARD))
    with engine.connect() as conn:
        return bool(conn.execute(query).scalar())
