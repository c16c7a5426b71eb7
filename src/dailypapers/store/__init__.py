"""All SQL lives here, one module per entity. Functions take a Connection opened by the caller
with ``Database.read()`` or ``Database.write()``, so one request or job step is one transaction."""
