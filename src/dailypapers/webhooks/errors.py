"""The named errors of webhooks. Those a caller's input causes carry the ``parameter`` at fault,
so a route answers them as a 400 naming it in one line."""

from __future__ import annotations


class WebhookError(ValueError):
    """A webhook that cannot be made as asked; ``parameter`` names the input at fault."""

    parameter = "url"


class InvalidUrl(WebhookError):
    """Not a URL a webhook may post to: its scheme, length, credentials or address."""


class InvalidFormat(WebhookError):
    parameter = "format"


class TooManyWebhooks(WebhookError):
    parameter = "url"


class Unresolvable(InvalidUrl):
    """The URL's host has no address now (DNS failed): refused when added, retried when sent."""


class NoSuchWebhook(LookupError):
    pass


class NotYours(PermissionError):
    pass
