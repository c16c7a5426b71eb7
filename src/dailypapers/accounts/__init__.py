"""Accounts: who someone is and how they prove it.

- ``records``: the :class:`User` every layer above passes around
- ``registration``: signing up (``usernames`` and ``password_rules`` say what may be chosen)
- ``verification``: proving an address by its mailed link; ``mail`` makes such links and queues
  their mail in the outbox
- ``credentials``: changing a password, and resetting it by mail
- ``passwords``: argon2id hashing, at most a few at once, checked in constant time
- ``signin``: checking a login and password, throttled by ``throttle`` (over ``quotas``)
- ``sessions``: the signed-in sessions a browser cookie names
- ``tokens``: API tokens and private feed addresses
- ``administration``: what the operator does: admins, disabling accounts
"""
