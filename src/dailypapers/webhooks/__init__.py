"""Webhooks: a reader's feed delivered to a URL (Slack, Discord or plain JSON), signed, through a
durable outbox of its own: what a message looks like (payloads), who may send where
(subscriptions, addresses: the SSRF guard), and sending with retries (outbox, sender)."""
