"""Outgoing mail through a pluggable `Mailer`: files by default, SMTP when configured.

The file mailer writes one RFC 5322 message (`.eml`) per mail into `MAIL_DIR` (`.data/mail/`
under `make run`, a temporary folder in tests), so development needs no mail server.
With `SMTP_HOST` set, mail goes through the stdlib `smtplib` in a thread.
"""

from __future__ import annotations

import asyncio
import secrets
import smtplib
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from datastore.kit.settings import Settings

SMTP_TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


class Mailer(Protocol):
    async def send(self, mail: Mail) -> None: ...


def message(mail: Mail, sender: str) -> EmailMessage:
    built = EmailMessage()
    built["From"] = sender
    built["To"] = mail.to
    built["Subject"] = mail.subject
    built.set_content(mail.body)
    return built


class FileMailer:
    """Writes each mail as `<time>-<random>.eml` into the settings' `mail_dir` (read at
    every send, so a test can point it at its own folder)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, mail: Mail) -> None:
        folder = Path(self.settings.mail_dir)
        name = f"{time.time_ns()}-{secrets.token_hex(4)}.eml"
        data = message(mail, self.settings.mail_from).as_bytes()
        await asyncio.to_thread(_write, folder / name, data)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(path)  # readers never see half a message


class SmtpMailer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, mail: Mail) -> None:
        await asyncio.to_thread(self._send, message(mail, self.settings.mail_from))

    def _send(self, built: EmailMessage) -> None:
        s = self.settings
        with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            if s.smtp_starttls:
                smtp.starttls()
            if s.smtp_username:
                smtp.login(s.smtp_username, s.smtp_password)
            smtp.send_message(built)


def build_mailer(settings: Settings) -> Mailer:
    return SmtpMailer(settings) if settings.smtp_host else FileMailer(settings)
