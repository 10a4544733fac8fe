"""E-mail by SMTP: one message to one recipient, with the server's settings from `SmtpSettings`.

Failures become `TransientError` (server unreachable, temporary refusal) or `TerminalError`
(login refused, address rejected); their messages name the server, never the password.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flows.errors import TerminalError, TransientError

SECURITY = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how e-mail is sent (KENNZAHLEN_SMTP_* in flows/settings.py)."""

    host: str
    port: int = 587
    sender: str = "kennzahlen@localhost"
    user: str = ""
    password: str = field(default="", repr=False)
    security: str = "starttls"
    """`starttls` (default), `ssl` (implicit TLS, port 465) or `none` (a relay in the house)."""
    timeout: float = 30.0


def send(settings: SmtpSettings, recipient: str, subject: str, body: str) -> None:
    """Send one plain-text German message.

    Args:
        settings: the SMTP server.
        recipient: one e-mail address.
        subject: the subject line.
        body: the text (UTF-8).

    Raises:
        TransientError: the server cannot be reached or refuses for now (4xx).
        TerminalError: the login or the address is refused (5xx).
    """
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    message.set_content(body, charset="utf-8")
    where = f"{settings.host}:{settings.port}"
    try:
        with _connect(settings) as server:
            if settings.user:
                server.login(settings.user, settings.password)
            server.send_message(message)
    except smtplib.SMTPAuthenticationError:
        raise TerminalError(f"Der Mailserver {where} lehnt die Anmeldung als '{settings.user}' "
                            "ab (KENNZAHLEN_SMTP_USER/-PASSWORD prüfen).") from None
    except smtplib.SMTPRecipientsRefused:
        raise TerminalError(f"Der Mailserver {where} nimmt die Adresse {recipient} nicht an."
                            ) from None
    except smtplib.SMTPResponseException as exc:
        kind = TransientError if 400 <= exc.smtp_code < 500 else TerminalError
        raise kind(f"Der Mailserver {where} lehnt die Nachricht ab (Code {exc.smtp_code}).") \
            from None
    except ValueError:
        # an address the server cannot take as written (non-ASCII without SMTPUTF8)
        raise TerminalError(f"Die Adresse {recipient} kann über {where} nicht zugestellt "
                            "werden (Sonderzeichen).") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise TransientError(f"Der Mailserver {where} ist nicht erreichbar "
                             f"({type(exc).__name__}).") from None


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.security == "ssl":
        return smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                context=ssl.create_default_context())
    server = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    if settings.security == "starttls":
        server.starttls(context=ssl.create_default_context())
    return server
