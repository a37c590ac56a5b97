"""The case-file audit tool as data: loaded verbatim from JSON, one version per distinct definition."""

import hashlib
import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditElement, AuditStandard, AuditTool
from app.services.transaction import transaction

TOOL_FILE = Path(__file__).resolve().parents[2] / "data" / "case-file-audit-tool.json"


@transaction("The audit tool")
def load_tool(path: Path = TOOL_FILE, *, now: datetime) -> tuple[AuditTool, bool]:
    """The tool version for this file: the existing one if already loaded, else a new version. (tool, created)."""
    text = path.read_text(encoding="utf-8")
    fingerprint = hashlib.sha256(text.encode("utf-8")).hexdigest()
    existing = db.session.scalar(select(AuditTool).where(AuditTool.fingerprint == fingerprint))
    if existing:
        return existing, False
    definition = json.loads(text)
    version = (db.session.scalar(select(func.max(AuditTool.version))) or 0) + 1
    tool = AuditTool(version=version, title=definition["title"], definition=text, fingerprint=fingerprint,
                     loaded_at=now, elements=[_element(source, index) for index, source in
                                              enumerate(definition["elements"])])
    db.session.add(tool)
    return tool, True


def _element(source: dict, position: int) -> AuditElement:
    return AuditElement(number=source["number"], key=source["key"], title=source["title"],
                        report_label=source["report_label"], comment_prompt=source["comment_prompt"],
                        position=position,
                        standards=[AuditStandard(position=index, text=text)
                                   for index, text in enumerate(source["standards"])])


def current_tool() -> AuditTool | None:
    """The newest version: new audits are done under it; older audits keep theirs."""
    return db.session.scalar(select(AuditTool).order_by(AuditTool.version.desc()).limit(1))
