"""Email digests: subscriptions with double opt-in, composing each reader's digest, rendering it
as HTML and plain text, and delivering it from the outbox over SMTP exactly as documented in
:mod:`dailypapers.digest.worker`.

- ``schedule``: when a subscription's digest is due and which period it covers (pure)
- ``compose``: the content of one digest from ranked candidates (pure)
- ``candidates``: gathers those candidates from the store; ``personal`` (the "for you" ranking
  over stored embeddings) and ``searches`` (saved-search alerts) feed it
- ``render``: Jinja templates -> a MIME message (HTML with inline CSS + plain text)
- ``render``: also an account's mail (verify, reset) queued by :mod:`dailypapers.accounts.mail`
- ``tokens``: signed confirmation (single-use) / unsubscribe / never-mail tokens
- ``subscriptions``: subscribe (capped per address and per network), confirm, unsubscribe,
  preferences; ``suppression``: "never mail me again"; ``account``: a verified account's digest
- ``deliver``: the SMTP client (aiosmtplib) with a held end-of-data
- ``worker``: sends the outbox (the delivery guarantee); ``jobs``: the ``digest`` job composes
  what is due, the ``mail`` job sends the outbox whenever woken and every few seconds
"""
