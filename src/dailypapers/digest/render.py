"""Outbox rows -> MIME messages: HTML (inline CSS) and plain-text parts from Jinja templates.

Rendering is deterministic: the same row and settings give the same bytes (the MIME boundary is
derived from the Message-ID, the Date is the composition time, tokens carry no timestamp), so a
retried mail is the very message the first attempt would have sent.

Messages are built with the standard library's ``email.mime`` classes (the compat32 API):
measured on 2 cores, 1.9 ms a digest where ``email.message.EmailMessage`` with the SMTP policy
took 5.2 ms, which over 10,000 digests is half a minute of one core.

Every digest carries ``List-Unsubscribe`` (an https link with a signed token, built from
``DAILYPAPERS_BASE_URL``) and ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058):
mail clients show an unsubscribe button that POSTs there, no sign-in needed. An account's mail
(``verify``, ``reset``: a row with a ``user_id`` and no subscription) is no list and carries
neither. Every mail's footer links to "never mail me again" (``digest/suppression.py``).

Addresses are stored as email-validator normalises them, an internationalised domain in
Unicode; the envelope and the To header use the ASCII form (IDNA), which every server takes.
"""

from __future__ import annotations

import hashlib
import re
from email import charset, policy
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, parseaddr
from functools import lru_cache, partial
from urllib.parse import urlsplit

from email_validator import validate_email
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from dailypapers.config import Settings
from dailypapers.digest import tokens
from dailypapers.recommend import feedback

# Header values come from us and from readers (an address): none may carry a line break.
_LINE_BREAK = re.compile(r"[\r\n]")
# UTF-8 parts in base64: any text, lines of any length, and safe through any relay.
_UTF8_BASE64 = charset.Charset("utf-8")
_UTF8_BASE64.body_encoding = charset.BASE64
_WIRE = policy.compat32.clone(linesep="\r\n")


class _OneLine:
    """A header value the generator writes whole, however long (RFC 5322 allows 998
    characters): compat32 folds at 78, and a URL folded across lines confuses some clients."""

    def __init__(self, value: str):
        self.value = value

    def encode(self, linesep: str = "\n", maxlinelen: int | None = None) -> str:
        return self.value

    def __str__(self) -> str:
        return self.value


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("dailypapers.digest", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["authors"] = _authors
    return env


def never_mail_url(settings: Settings, email: str) -> str:
    token = tokens.never_mail_token(settings, email)
    return f"{settings.base_url.rstrip('/')}/never-mail/{token}"


def links(settings: Settings, subscription_id: int | None, email: str) -> dict[str, str]:
    """The site and the links every mail to ``email`` carries (a subscription's, if it has one)."""
    base = settings.base_url.rstrip("/")
    found = {"base_url": base, "never_mail_url": never_mail_url(settings, email)}
    if subscription_id is not None:
        token = tokens.unsubscribe_token(settings, subscription_id, email)
        found["unsubscribe_url"] = f"{base}/unsubscribe/{token}"
        found["preferences_url"] = f"{base}/digest/preferences/{token}"
    return found


def envelope_recipient(address: str) -> str:
    """What the SMTP envelope and the To header carry: the address with its domain in ASCII."""
    if address.isascii():
        return address
    ascii_form = validate_email(address, check_deliverability=False).ascii_email
    if ascii_form is None:  # a non-ASCII local part: only SMTPUTF8 could carry it
        raise ValueError(f"{address!r} has no ASCII form: it cannot be mailed")
    return ascii_form


def message_bytes(row: dict, settings: Settings) -> bytes:
    """The message for an outbox row (``kind`` digest, confirmation, verify or reset), as sent:
    CRLF lines."""
    content = row["content"]
    context = {
        **content,
        "recipient": row["recipient"],
        "subject": row["subject"],
        **links(settings, row["subscription_id"], row["recipient"]),
    }
    if row["kind"] == "digest" and row["subscription_id"] is not None:
        context["feedback_url"] = partial(
            feedback.link_url, settings, row["subscription_id"], row["recipient"]
        )
    if row["kind"] == "confirmation":
        base = context["base_url"]
        context["confirm_url"] = f"{base}/subscribe/confirm/{content['token']}"
        context["max_age_days"] = tokens.CONFIRM_MAX_AGE.days
    env = environment()
    text = env.get_template(f"{row['kind']}.txt").render(context)
    html = env.get_template(f"{row['kind']}.html").render(context)

    boundary = "=_" + hashlib.sha256(row["message_id"].encode()).hexdigest()[:32]
    message = MIMEMultipart("alternative", boundary=boundary)
    name, address = parseaddr(settings.mail_from)
    headers = [
        ("From", formataddr((name, address), charset="utf-8")),
        ("To", envelope_recipient(row["recipient"])),
        (
            "Subject",
            Header(row["subject"], "utf-8") if not row["subject"].isascii() else row["subject"],
        ),
        ("Date", format_datetime(row["composed_at"])),
        ("Message-ID", row["message_id"]),
    ]
    if row["kind"] == "digest":
        headers += [
            ("List-Unsubscribe", _OneLine(f"<{context['unsubscribe_url']}>")),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ("List-Id", f"dailypapers digest <digest.{mail_domain(settings)}>"),
        ]
    for header, value in headers:
        if _LINE_BREAK.search(str(value)):
            raise ValueError(f"line break in the {header} header: refusing to send")
        message[header] = value
    message.attach(MIMEText(text, "plain", _UTF8_BASE64))
    message.attach(MIMEText(html, "html", _UTF8_BASE64))
    return message.as_bytes(policy=_WIRE)


def envelope_sender(settings: Settings) -> str:
    return parseaddr(settings.mail_from)[1] or settings.mail_from


def mail_domain(settings: Settings) -> str:
    """The domain Message-IDs and List-Id use: the sender's, else the site's host."""
    address = envelope_sender(settings)
    if "@" in address:
        return address.rsplit("@", 1)[1]
    return urlsplit(settings.base_url).hostname or "localhost"


def _authors(paper: dict) -> str:
    names = ", ".join(paper["authors"])
    more = paper["author_count"] - len(paper["authors"])
    return f"{names} and {more} more" if more > 0 else names


def new_message_id(settings: Settings, kind: str, period: str, subscription_id: int) -> str:
    """A Message-ID for a new outbox row: stored with it, so every attempt sends the same one."""
    import secrets

    safe_period = "".join(c if c.isalnum() else "." for c in period)
    return (
        f"<{kind}.{safe_period}.{subscription_id}.{secrets.token_hex(8)}@{mail_domain(settings)}>"
    )
