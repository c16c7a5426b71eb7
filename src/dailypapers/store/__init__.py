"""All SQL lives here, one module per entity (and :mod:`.keys` and :mod:`.leases` for what
several of them share). Functions take a Connection opened by the caller
with ``Database.read()`` or ``Database.write()``, so one request or job step is one transaction."""
