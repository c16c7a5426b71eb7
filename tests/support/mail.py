"""A real SMTP server on loopback (aiosmtpd) that records every message, parsed with ``email``.

``fail(stage, reply)`` makes the next transactions fail at RCPT or at the end of DATA with the
given reply (e.g. "451 4.3.0 try later"), for the retry and failure tests.
"""

from __future__ import annotations

import email
import socket
import threading
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def message_id(self) -> str:
        return self.message["Message-ID"]


class SinkHandler:
    """Records what arrives; ``fail(stage, reply)`` makes the next transactions fail at RCPT or
    at the end of DATA with the given reply (e.g. "451 4.3.0 try later")."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.failures: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def fail(self, stage: str, reply: str, times: int = 1) -> None:
        with self.lock:
            self.failures.extend([(stage, reply)] * times)

    def _failure(self, stage: str) -> str | None:
        with self.lock:
            for index, (when, reply) in enumerate(self.failures):
                if when == stage:
                    del self.failures[index]
                    return reply
        return None

    async def handle_RCPT(  # noqa: N802 - aiosmtpd names its hooks so
        self, server, session, envelope, address, rcpt_options
    ):
        reply = self._failure("rcpt")
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd names its hooks so
        reply = self._failure("data")
        if reply:
            return reply
        message = email.message_from_bytes(
            envelope.original_content or envelope.content, policy=policy.default
        )
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 2.0.0 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
