"""The pluggable mailer: one .eml file per mail by default, SMTP when SMTP_HOST is set (here
against a minimal SMTP server on a local socket, speaking the protocol for real)."""

from __future__ import annotations

import asyncio
import email
import email.policy
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from datastore.kit.mail import FileMailer, Mail, SmtpMailer, build_mailer
from datastore.kit.settings import Settings

MAIL = Mail(to="ada@example.com", subject="Hello", body="Line one.\nLine two.\n")


class SmtpSink:
    """Accepts every mail (EHLO, MAIL, RCPT, DATA, QUIT) and keeps what it received."""

    def __init__(self) -> None:
        self.envelopes: list[tuple[list[bytes], bytes]] = []

    async def session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 sink ESMTP\r\n")
        commands: list[bytes] = []
        while line := await reader.readline():
            verb = line[:4].upper()
            if verb == b"DATA":
                writer.write(b"354 go ahead\r\n")
                data = b""
                while (chunk := await reader.readline()) != b".\r\n":
                    data += chunk
                self.envelopes.append((commands, data))
                commands = []
                writer.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                writer.write(b"221 bye\r\n")
                break
            else:
                commands.append(line.strip())
                writer.write(b"250-sink\r\n250 OK\r\n" if verb == b"EHLO" else b"250 OK\r\n")
            await writer.drain()
        writer.close()


@pytest.fixture
async def smtp_sink() -> AsyncIterator[tuple[SmtpSink, int]]:
    sink = SmtpSink()
    server = await asyncio.start_server(sink.session, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield sink, port


async def test_the_file_mailer_writes_one_message_per_mail(
    settings: Settings, tmp_path: Path
) -> None:
    # given
    mailer = build_mailer(settings.model_copy(update={"mail_dir": str(tmp_path / "mail")}))
    # when
    await mailer.send(MAIL)
    await mailer.send(MAIL)
    # then
    assert isinstance(mailer, FileMailer)
    files = sorted((tmp_path / "mail").iterdir())
    assert [f.suffix for f in files] == [".eml", ".eml"]
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert (message["To"], message["Subject"]) == ("ada@example.com", "Hello")
    assert message["From"] == settings.mail_from
    assert message.get_content() == MAIL.body  # type: ignore[attr-defined]


async def test_with_smtp_host_set_mail_goes_through_smtp(
    settings: Settings, smtp_sink: tuple[SmtpSink, int]
) -> None:
    # given
    sink, port = smtp_sink
    configured = settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": False}
    )
    mailer = build_mailer(configured)
    # when
    await mailer.send(MAIL)
    # then
    assert isinstance(mailer, SmtpMailer)
    [(commands, data)] = sink.envelopes
    assert any(c.upper().startswith(b"RCPT TO:<ADA@EXAMPLE.COM>") for c in commands)
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert message["Subject"] == "Hello" and "Line two." in message.get_content()  # type: ignore[attr-defined]
