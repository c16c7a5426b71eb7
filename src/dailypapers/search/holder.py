"""What the keyword and the semantic index share as a process holds them: opened on first use,
or built in a background thread while searches say so and go on without it."""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

from dailypapers.db.engine import Database

Index = TypeVar("Index")


class IndexHolder(Generic[Index]):
    """One index of this process. :meth:`_open` (the subclass's) either sets ``index`` or
    starts ``building``, a thread that sets it when done."""

    building_notice = ""  # what a search tells the reader while the index is being built

    def __init__(self) -> None:
        self.index: Index | None = None
        self.building: threading.Thread | None = None
        self._lock = threading.Lock()

    def _open(self, db: Database) -> None:
        raise NotImplementedError

    def _ready(self, db: Database) -> tuple[Index | None, str | None]:
        """(the index, or None; the building notice while a build runs, or None)."""
        with self._lock:
            if self.index is None and self.building is None:
                self._open(db)
            if self.building is not None:
                if self.building.is_alive():
                    return None, self.building_notice
                self.building = None
            return self.index, None
