"""Answer models of our own records (a token, a webhook): the fields of a domain dataclass, named
in camelCase as the rest of the JSON API names them."""

from __future__ import annotations

import re
from typing import Any, Self

from pydantic import BaseModel

_HUMP = re.compile(r"(?<=[a-z0-9])([A-Z])")


def snake_case(name: str) -> str:
    """``lastUsedAt`` -> ``last_used_at``: the record's name of an answer's field."""
    return _HUMP.sub(r"_\1", name).lower()


class RecordOut(BaseModel):
    """An answer whose fields a record has, in snake_case: ``createdAt`` is ``created_at``."""

    @classmethod
    def of(cls, record: object, **given: Any) -> Self:
        """The answer of ``record``; ``given`` sets the fields it names otherwise or lacks (a
        field neither has is an AttributeError: never a silent default)."""
        taken = {n: getattr(record, snake_case(n)) for n in cls.model_fields if n not in given}
        return cls(**taken, **given)
