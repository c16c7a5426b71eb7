"""The SMTP client: aiosmtplib, with the end of the DATA section held back until the caller says.

A mail is one SMTP transaction: MAIL FROM, RCPT TO, DATA, the message, then the end-of-data line
(``.``). The server delivers only after that line; a connection that closes before it aborts the
transaction and the server delivers nothing (RFC 5321, section 3.8: a connection lost mid-
transaction is treated like RSET). :meth:`Smtp.start` sends everything *but* that line, so the
worker can record its decision in the database (its commit point) and only then call the
function :meth:`Smtp.finisher` prepared, a synchronous write of five bytes: see
:mod:`dailypapers.digest.worker`.

Errors are sorted into what the worker needs to know:
- :class:`Temporary`: 4xx replies, refused or dropped connections, timeouts: try again later;
- :class:`Permanent`: 5xx replies: this mail will never go through as it is;
- :class:`InDoubt`: the end of data went out but no reply came back (RFC 1047's window): the
  server may have delivered it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import ssl
from collections.abc import Callable

import aiosmtplib
from aiosmtplib import SMTPResponseException

from dailypapers.config import Settings

_LINE_ENDINGS = re.compile(rb"\r\n|\n|\r(?!\n)")
_LEADING_DOT = re.compile(rb"(?m)^\.")
END_OF_DATA = b".\r\n"


# RFC 5321 (4.5.3.2) gives servers minutes per command; half a minute is plenty for a relay on
# the same network and keeps a dead server from holding a worker's connection for long.
TIMEOUT = 30.0


class SmtpError(Exception):
    def __init__(self, message: str, code: int | None = None):
        super().__init__(message)
        self.code = code


class Temporary(SmtpError):
    pass


class Permanent(SmtpError):
    pass


class InDoubt(SmtpError):
    pass


def classify(error: BaseException) -> SmtpError:
    """The worker's view of an aiosmtplib (or socket) error."""
    if isinstance(error, SmtpError):
        return error
    if isinstance(error, SMTPResponseException):
        text = f"{error.code} {error.message}".strip()
        if 500 <= error.code < 600 and not isinstance(error, aiosmtplib.SMTPAuthenticationError):
            return Permanent(text, error.code)
        # An authentication failure is the site's configuration, not the mail's fault: retried.
        return Temporary(text, error.code)
    if isinstance(error, (aiosmtplib.SMTPException, OSError, asyncio.TimeoutError, ssl.SSLError)):
        return Temporary(f"{type(error).__name__}: {error}".rstrip(": "))
    raise error


def dot_stuffed(message: bytes) -> bytes:
    """The DATA section as sent: CRLF line endings, leading dots doubled, ending in CRLF."""
    body = _LINE_ENDINGS.sub(b"\r\n", message)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    return _LEADING_DOT.sub(b"..", body)


class Smtp:
    """One connection to the configured server, for many transactions one after the other."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.client: aiosmtplib.SMTP | None = None

    @property
    def connected(self) -> bool:
        return self.client is not None and self.client.is_connected

    async def connect(self) -> None:
        s = self.settings
        client = aiosmtplib.SMTP(
            hostname=s.smtp_host,
            port=s.smtp_port,
            timeout=TIMEOUT,
            use_tls=s.smtp_tls == "tls",
            start_tls=s.smtp_tls == "starttls",
            validate_certs=True,
            username=s.smtp_user or None,
            password=s.smtp_password or None,
        )
        try:
            await client.connect()
        except Exception as error:
            client.close()
            raise classify(error) from error
        self.client = client

    async def start(self, sender: str, recipient: str, message: bytes) -> None:
        """MAIL, RCPT, DATA and the whole message, but not the end-of-data line."""
        client = self._client()
        try:
            await client.mail(sender)
            await client.rcpt(recipient)
            reply = await client.execute_command(b"DATA")
            if reply.code != 354:
                raise SMTPResponseException(reply.code, reply.message)
            client.protocol.write(dot_stuffed(message))
            await self._drained()
        except Exception as error:
            raise classify(error) from error

    def finisher(self) -> Callable[[], None]:
        """A function that hands the end-of-data line to the kernel (synchronous, no await, five
        bytes); the checks are done now, so the function only writes.

        The worker prepares it before its commit point so that the commit and the end of data
        are two consecutive system calls: on a plain TCP connection whose asyncio buffer is
        empty (``start`` drained it) the function is one ``write(2)`` on the socket. Otherwise
        (TLS, a full buffer, a short write) the bytes go through the transport, in order.
        """
        protocol = self._client().protocol
        transport = getattr(protocol, "transport", None)
        if protocol is None or transport is None or transport.is_closing():
            raise Temporary("connection lost before the end of data")
        raw = transport.get_extra_info("socket")
        fd = None
        if (
            raw is not None
            and transport.get_extra_info("ssl_object") is None
            and transport.get_write_buffer_size() == 0
        ):
            fd = raw.fileno()

        def hand_over() -> None:
            written = 0
            if fd is not None:
                try:
                    written = os.write(fd, END_OF_DATA)
                except (BlockingIOError, InterruptedError):
                    written = 0
                except OSError as error:  # the server is gone: it never read the end of data
                    raise Temporary(f"connection lost before the end of data: {error}") from error
            if written < len(END_OF_DATA):
                protocol.write(END_OF_DATA[written:])

        return hand_over

    async def reply(self) -> str:
        """The server's answer to the end of data: its text on 250, else an SmtpError."""
        client = self._client()
        try:
            response = await client.protocol.read_response(timeout=TIMEOUT)
        except Exception as error:
            self.abort()
            raise InDoubt(
                f"no reply to the end of data ({type(error).__name__}: {error}); "
                "the server may have accepted the message"
            ) from error
        if response.code != 250:
            raise classify(SMTPResponseException(response.code, response.message))
        return f"{response.code} {response.message}"

    async def reset(self) -> None:
        """After a refused MAIL/RCPT/DATA: RSET for the next mail, or drop a broken connection."""
        if not self.connected:
            self.abort()
            return
        try:
            await self._client().rset()
        except Exception:
            self.abort()

    def abort(self) -> None:
        """Close without the end of data: the server discards the open transaction."""
        if self.client is not None:
            self.client.close()
        self.client = None

    async def quit(self) -> None:
        if self.connected:
            with contextlib.suppress(Exception):
                await self._client().quit()
        self.abort()

    def _client(self) -> aiosmtplib.SMTP:
        if self.client is None:
            raise Temporary("not connected")
        return self.client

    async def _drained(self) -> None:
        # The end-of-data line must go straight to the socket when written, not wait behind a
        # buffered message, so the worker's window between commit and hand-over stays tiny.
        transport = self._client().transport
        loop = asyncio.get_running_loop()
        deadline = loop.time() + TIMEOUT
        while transport is not None and transport.get_write_buffer_size() > 0:
            if loop.time() > deadline:
                raise Temporary("timed out sending the message")
            await asyncio.sleep(0.001)
