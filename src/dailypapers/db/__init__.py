"""Database access: the engine with its per-backend tuning, the schema, and migrations."""

from dailypapers.db.engine import Database, connect

__all__ = ["Database", "connect"]
