"""Any file a plan is imported from: a Word plan (.docx), or a spreadsheet (.xlsx or .csv: the plan's own
download, or the template). Each becomes the same PlanDocument, which the dry run and the import take."""

import io

from sqlalchemy import select

from app.extensions import db
from app.models import Plan
from app.services.errors import DomainError
from app.services.importers import plan_docx, plan_sheet
from app.services.importers.plan_docx import PlanDocument
from app.services.importers.uploads import Upload

EXTENSIONS = {"docx", "xlsx", "csv"}


def read_document(upload: Upload, *, title: str | None = None) -> PlanDocument:
    """The plan in a checked upload. A spreadsheet has no title of its own: it is `title`, or else the one plan
    already in the service."""
    if upload.extension == "docx":
        return plan_docx.read_plan(io.BytesIO(upload.data))
    return plan_sheet.read_sheet(upload, title=(title or "").strip() or the_plan_title())


def the_plan_title() -> str:
    """The title of the one plan in the service, which a spreadsheet without a title updates."""
    titles = db.session.scalars(select(Plan.title).order_by(Plan.id)).all()
    if len(titles) == 1:
        return titles[0]
    which = ("there is no plan in the service yet" if not titles
             else f"the service has {len(titles)} plans: {'; '.join(titles)}")
    raise DomainError(f"A spreadsheet has no title: give the plan's title ({which})", field="title")
