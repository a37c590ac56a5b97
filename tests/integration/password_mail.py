"""Reading the e-mails the service wrote to files (MAIL_BACKEND=file, as in tests): the links in them."""

import re
from email import message_from_bytes, policy
from pathlib import Path

from flask import current_app


def messages_to(address: str) -> list:
    folder = Path(current_app.config["MAIL_FILE_DIR"])
    found = [message_from_bytes(path.read_bytes(), policy=policy.default) for path in
             sorted(folder.glob("*.eml"), key=lambda path: path.stat().st_mtime_ns)] if folder.exists() else []
    return [message for message in found if message["To"] == address]


def link_in(message) -> str:
    """The link's path (/password/new/…), from the plain-text part."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://[^/\s]+(/password/new/\S+)", text).group(1)
