"""The database outage as the web sees it: which errors mean "unreachable", and noting one.

The rules live in :mod:`dailypapers.db.engine` (:func:`~dailypapers.db.engine.is_outage`, each
Database's :class:`~dailypapers.db.engine.Outage`); this is the web's way to them."""

from __future__ import annotations

from dailypapers.db.engine import Database
from dailypapers.db.engine import is_outage as is_outage


def noticed(db: Database, error: BaseException) -> bool:
    """True when ``error`` is a database outage; begins one (and logs it) when the failure came
    from outside ``Database.read()`` / ``write()``, which note their own."""
    if not is_outage(error):
        return False
    if not db.outage.active:
        db.outage.began(error)
    return True
