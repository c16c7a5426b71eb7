"""Accounts: who someone is and how they prove it.

- ``records``: the :class:`User` every layer above passes around
- ``registration``: signing up (username and password rules)
- ``passwords``: argon2id hashing, and checking a password against its hash in constant time
- ``signin``: checking a login and password, throttled by ``throttle``
- ``sessions``: the signed-in sessions a browser cookie names
- ``tokens``: API tokens and private feed addresses
"""
