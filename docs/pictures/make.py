"""The pictures of each Word document's first pages in the guides (`make doc-pictures`).

Loads the demo into a scratch SQLite database, writes the four documents as the service does (the plan progress
report for the next meeting, the June 2020 monthly audit report, a moderated audit for its QA lead, and the demo
owner's update pack), has LibreOffice lay them out as PDF and draws their first pages as PNG (pypdfium2) into this
folder. Run it after changing how a document looks, and look at the pictures before committing them.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOCUMENTS = {  # file name: pages drawn
    "plan-report": 2,
    "monthly-audit-report": 2,
    "single-audit": 2,
    "update-pack": 2,
}
OWNER = "amandip.johal@council.example"
QA_LEAD = "qa.lead@council.example"
REPORT_DETAILS = {  # what a programme manager writes in the plan report's front block and sections (the demo's own)
    "report_of": "Strategic Director, Children's Services",
    "committee": "Children's Services Overview and Scrutiny Committee",
    "subject": "Children's Services Improvement Plan: progress update",
    "summary_statement": "Progress on the improvement plan since the last report, where it is slipping and what "
                         "is being done about it.",
    "signatory": "Strategic Director, Children's Services",
    "portfolio": "Children and Families",
    "contact_name": "Phil Hayden", "contact_role": "Programme manager, children's services improvement",
    "contact_phone": "01632 960 000", "contact_email": "phil.hayden@council.example",
    "scrutiny_area": "Children's Services",
    "background": "Ofsted judged children's services inadequate; this plan answers its recommendations.",
    "financial": "None.", "risk": "None.", "legal": "None.",
    "recommendations": "That the Committee notes the progress made and the areas where the plan is slipping.",
}
SCALE = 0.75  # 595 x 842 points at 0.75: about 446 px wide (a portrait page), sharp enough to read the headings


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        os.environ.update(DATABASE_URL=f"sqlite:///{work / 'demo.sqlite'}", AS_OF_DATE="2020-07-31",
                          MAIL_FILE_DIR=str(work / "mail"))
        written = write_documents(work)
        pdfs = to_pdf(written, work)
        for name, pdf in pdfs.items():
            draw_pages(pdf, name, DOCUMENTS[name])


def write_documents(work: Path) -> dict[str, Path]:
    sys.path.insert(0, str(HERE.parents[1]))
    from flask_migrate import upgrade
    from sqlalchemy import select

    from app import clock, create_app, demo
    from app.extensions import db
    from app.models import Audit, AuditState, Meeting, Person, Plan
    from app.services.plans.queries import Window
    from app.services.reports import audit_record, snapshots, update_pack

    app = create_app("development")
    with app.app_context():
        upgrade()
        demo.load_demo(now=clock.now())
        today = clock.today()
        plan = db.session.scalar(select(Plan).order_by(Plan.id.desc()))
        meeting = db.session.scalar(select(Meeting).where(Meeting.held_on >= today).order_by(Meeting.held_on))
        owner, qa_lead = (db.session.scalar(select(Person).where(Person.email == email)) for email in (OWNER, QA_LEAD))
        audit = db.session.scalars(select(Audit).where(Audit.state == AuditState.MODERATED).order_by(Audit.id)).first()
        plan_report = snapshots.generate_plan_report(plan, meeting, REPORT_DETAILS, actor=None,
                                                     now=clock.now(), today=today)
        audit_report = snapshots.generate_audit_report(date(2020, 6, 1), actor=None, now=clock.now(), today=today)
        contents = {
            "plan-report": snapshots.document_of(plan_report),
            "monthly-audit-report": snapshots.document_of(audit_report),
            "single-audit": audit_record.export(audit, qa_lead, now=clock.now(), include_identity=False, today=today),
            "update-pack": update_pack.write(update_pack.gather(owner, meeting, Window.configured(today)),
                                             generated_at=clock.now()),
        }
        db.session.commit()
    written = {}
    for name, content in contents.items():
        written[name] = work / f"{name}.docx"
        written[name].write_bytes(content)
    return written


def to_pdf(documents: dict[str, Path], work: Path) -> dict[str, Path]:
    soffice = shutil.which("soffice") or "/usr/bin/soffice"
    subprocess.run([soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(work), *map(str, documents.values())],
                   check=True, capture_output=True, timeout=300)
    return {name: path.with_suffix(".pdf") for name, path in documents.items()}


def draw_pages(pdf: Path, name: str, pages: int) -> None:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    print(f"{name}: {len(document)} pages")
    for number in range(min(pages, len(document))):
        picture = document[number].render(scale=SCALE).to_pil()
        picture.save(HERE / f"{name}-page-{number + 1}.png", optimize=True)


if __name__ == "__main__":
    main()
