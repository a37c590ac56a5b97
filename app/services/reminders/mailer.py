"""Sending e-mail: through SMTP (the council's relay), or into files for development (MAIL_BACKEND=file).

Messages are built with the standard library's email package (plain text with an HTML alternative, attachments) and sent with
smtplib, with a timeout, so that a relay that does not answer fails the attempt instead of hanging the sender.

A message about notices carries a Message-ID made from the notices' ids (notices_message_id), not a random one: a
message sent again after a sender died before recording it as sent has the same Message-ID, so a mail server or
mail client can drop the copy (docs/operations.md, "E-mail").
"""

import hashlib
import smtplib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from email.charset import QP, Charset
from email.encoders import encode_base64
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import SMTPUTF8, compat32
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    content_type: str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...] = ()
    message_id: str | None = None  # None: a new, random one (a message about no notices, like a password link)


class MailError(Exception):
    """The message could not be handed to the mail server."""


UTF8_QP = Charset("utf-8")
UTF8_QP.body_encoding = QP  # text parts as quoted-printable: mostly ASCII, so readable and hardly larger


def build(email: Email, now: datetime) -> Message:
    """The message: the text part with its HTML alternative, then the attachments (multipart/mixed when there are
    any). Built with the email package's plain Message classes: the header registry of EmailMessage (the default
    policy) parsed every header again as it was set and flattened, and cost more than the rest of the message. An
    address in other letters (zoë@…) needs that policy's SMTPUTF8 form (the address as written, in UTF-8): such a
    message is built with it."""
    sender_name, sender_address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    chosen = compat32 if f"{sender_address}{email.to}".isascii() else SMTPUTF8
    message = MIMEMultipart("alternative", policy=chosen,
                            _subparts=[MIMEText(email.text, "plain", UTF8_QP, policy=chosen),
                                       MIMEText(email.html, "html", UTF8_QP, policy=chosen)])
    if email.attachments:
        message = MIMEMultipart("mixed", policy=chosen, _subparts=[
            message, *(_attached(attachment, chosen) for attachment in email.attachments)])
    for part in message.walk():
        del part["MIME-Version"]  # each part's own (the classes add one): the message's alone is wanted
    message["MIME-Version"] = "1.0"
    message["From"] = formataddr((sender_name, sender_address))  # a name in other letters is encoded, not the address
    message["To"] = email.to
    message["Subject"] = email.subject  # encoded (RFC 2047) when not ASCII
    message["Date"] = format_datetime(now.astimezone())
    message["Message-ID"] = email.message_id or make_msgid(domain=_domain())
    return message


def _attached(attachment: Attachment, chosen) -> MIMEBase:
    maintype, subtype = attachment.content_type.split("/", 1)
    part = MIMEBase(maintype, subtype, policy=chosen)
    part.set_payload(attachment.data)
    encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=attachment.filename)
    return part


IDS_IN_FULL = 8  # more notices than this: the first and last id and a digest of them all, to keep the id short


def notices_message_id(notice_ids: list[int]) -> str:
    """The Message-ID of the message about these notices: the same whenever the same notices are sent,
    <notices-12-13-14.improvement-tracker@tracker.council.example>."""
    ids = sorted(notice_ids)
    if len(ids) <= IDS_IN_FULL:
        local = "-".join(map(str, ids))
    else:
        digest = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:16]
        local = f"{ids[0]}-to-{ids[-1]}-{len(ids)}-{digest}"
    return f"<notices-{local}.improvement-tracker@{_domain()}>"


def _domain() -> str:
    """The host of BASE_URL, the address this service is reached at (so the ids are this service's own)."""
    return urlsplit(current_app.config["BASE_URL"]).hostname or "improvement-tracker"


@contextmanager
def connection(now: datetime) -> Iterator[Callable[[Email], None]]:
    """A function that sends one message (raising MailError if it cannot), over one connection to the server."""
    if current_app.config["MAIL_BACKEND"] == "file":
        yield lambda email: _write(build(email, now))
        return
    try:
        smtp = _connect()
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(_describe(error)) from error

    def send(email: Email) -> None:
        try:
            smtp.send_message(build(email, now))
        except (OSError, smtplib.SMTPException) as error:
            raise MailError(_describe(error)) from error

    try:
        yield send
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"


def _connect() -> smtplib.SMTP:
    config = current_app.config
    kind = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    smtp = kind(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT_SECONDS"])
    if config["MAIL_USE_TLS"]:
        smtp.starttls()
    if config["MAIL_USERNAME"]:
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    return smtp


def _write(message: Message) -> None:
    folder = Path(current_app.config["MAIL_FILE_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    name = message["Message-ID"].strip("<>").replace("@", "-at-")
    (folder / f"{name}.eml").write_bytes(bytes(message))
