"""Importing a Word plan through the pages: upload and check, the dry-run preview, confirm. Nothing is written to
the plan before the confirm; a file that is not a plan is refused next to the file field; only programme managers
and admins may import."""

import hashlib
import io
import re

import docx
import pytest
from sqlalchemy import func, select

from app import demo
from app.models import FileKind, Milestone, Person, Plan, ProgressUpdate, Role, StoredFile
from app.services import storage
from tests.conftest import NOW
from tests.integration.test_plan_import_preview import FIXTURE, edited, row_containing

FIXTURE_BYTES = FIXTURE.read_bytes()
FIXTURE_SHA = hashlib.sha256(FIXTURE_BYTES).hexdigest()


def total(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def waiting_files(db) -> dict[str, bytes]:
    """The plans waiting for a confirm, in the service's file storage: {key: bytes}."""
    rows = db.session.scalars(select(StoredFile).where(StoredFile.kind == FileKind.PENDING_IMPORT))
    return {row.key: storage.get(row) for row in rows}


def upload(client, data: bytes = FIXTURE_BYTES, filename: str = "improvement-plan-2020-07.docx"):
    return client.post("/plan/import", data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def text(response) -> str:
    """The page's text without tags, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


@pytest.fixture
def manager(make_person, login):
    person = make_person("Pat Manager", Role.PROGRAMME_MANAGER)
    login(person)
    return person


def test_upload_preview_confirm_into_an_empty_service(app, client, db, manager):
    response = upload(client)
    assert response.status_code == 302 and response.location == f"/plan/import/{FIXTURE_SHA}"
    assert waiting_files(db) == {FIXTURE_SHA: FIXTURE_BYTES}
    assert total(db, Plan) == 0  # checked and kept, nothing imported

    page = client.get(response.location)
    assert page.status_code == 200
    html, words = page.get_data(as_text=True), text(page)
    assert "A new plan" in words
    assert re.search(r'data-items="milestones">.*?data-outcome="create"[^>]*>176<', html, re.DOTALL)
    assert "Table 7, row 33" in words and "Table 7, row 34" in words
    assert words.count("31/09/20 is not a calendar date") == 2
    assert "Confirm and import" in words and "improvement-plan-2020-07.docx" in words
    assert total(db, Plan) == 0 and total(db, Person) == 1  # the preview writes nothing either

    done = client.post(response.location, follow_redirects=True)
    assert done.request.path == "/plan"
    assert "Imported: 176 new milestones, 0 changed" in text(done)
    assert total(db, Plan) == 1 and total(db, Milestone) == 176
    signature = db.session.scalar(select(ProgressUpdate.signed_as).limit(1))
    assert signature == "Imported from improvement-plan-2020-07.docx (uploaded by Pat Manager)"
    assert waiting_files(db) == {}  # the waiting file is gone once imported

    again = client.post(response.location)  # the confirm posted twice (a double click, the back button)
    assert again.status_code == 404 and "upload the plan again" in text(again)
    assert total(db, Milestone) == 176


def test_a_file_that_is_not_a_word_document_is_refused_next_to_the_field(app, client, db, manager):
    response = upload(client, b"not a zip", "plan.docx")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    message = "“plan.docx” is not a Word document"
    assert 'class="govuk-error-summary' in html and 'href="#file"' in html  # the summary links to the field
    assert re.search(r'id="file-error"[^>]*>.*?' + message, html, re.DOTALL)  # and the message is next to it
    assert waiting_files(db) == {}
    assert total(db, Plan) == 0


@pytest.mark.parametrize(("data", "filename", "message"), [
    (FIXTURE_BYTES, "plan.doc", "The file must be a Word document (.docx)"),
    (None, "", "Select a file"),
])
def test_the_wrong_kind_of_file_or_none(client, db, manager, data, filename, message):
    form = {} if data is None else {"file": (io.BytesIO(data), filename)}
    response = client.post("/plan/import", data=form, content_type="multipart/form-data")
    assert response.status_code == 200 and message in text(response)
    assert total(db, Plan) == 0


def test_a_word_document_that_is_not_a_plan_is_refused(client, db, manager):
    buffer = io.BytesIO()
    letter = docx.Document()
    letter.add_paragraph("Dear colleague")
    letter.save(buffer)
    response = upload(client, buffer.getvalue(), "letter.docx")
    assert response.status_code == 200 and 'id="file-error"' in response.get_data(as_text=True)
    assert total(db, Plan) == 0


def test_a_later_version_shows_changes_missing_rows_and_near_matches(app, client, db, make_person, login):
    demo.load_demo(now=NOW)
    manager = make_person("Pat Manager", Role.PROGRAMME_MANAGER)
    login(manager)
    before = total(db, Person)

    def edit(document):
        _, row = row_containing(document, "Review of Viewpoint")
        [c for c in row.cells if c.text.strip() == "30/06/20"][0].paragraphs[0].text = "30/09/20"
        table, doomed = row_containing(document, "A remuneration package")
        table._tbl.remove(doomed._tr)
        _, row = row_containing(document, "Review of Viewpoint")
        responsible = [c for c in row.cells if c.text.strip() == "Amandip Johal"][0]
        responsible.paragraphs[0].text = "Amandip Johall"

    response = upload(client, edited(edit).getvalue(), "plan-september.docx")
    page = client.get(response.location)
    words = text(page)
    assert "The plan already in the service" in words
    assert "30/06/20 → 30/09/20" in words
    assert "These are kept; remove them by hand if they are no longer in the plan." in words
    assert "Milestone in action 1.13: A remuneration package" in words
    assert "Same person as Amandip Johal" in words and "Written in the file as “Amandip Johall”" in words

    done = client.post(response.location, data={"same": ["Amandip Johall"]}, follow_redirects=True)
    assert "Imported: 0 new milestones," in text(done)
    assert total(db, Person) == before  # the near match was taken as Amandip Johal, not added
    viewpoint = db.session.scalar(select(Milestone).where(Milestone.deliverable.startswith("Review of Viewpoint")))
    assert viewpoint.due_raw == "30/09/20" and viewpoint.responsible.name == "Amandip Johal"
    assert db.session.scalar(select(func.count()).select_from(Milestone)
                             .where(Milestone.deliverable.startswith("A remuneration package"))) == 1  # kept


def test_a_name_not_offered_cannot_be_ticked(client, db, manager):
    location = upload(client).location
    response = client.post(location, data={"same": ["Someone Else"]})
    assert response.status_code == 200 and "Tick only the names listed on this page" in text(response)
    assert total(db, Plan) == 0


def test_viewers_may_not_import(app, client, db, make_person, login):
    login(make_person("Vic Viewer", Role.VIEWER))
    assert client.get("/plan/import").status_code == 403
    assert upload(client).status_code == 403
    assert client.get(f"/plan/import/{FIXTURE_SHA}").status_code == 403
    assert client.post(f"/plan/import/{FIXTURE_SHA}").status_code == 403
    assert waiting_files(db) == {}
    assert total(db, Plan) == 0


@pytest.mark.parametrize("key", ["0" * 64, "not-a-hash", "A" * 64, "../../instance/improvement-tracker"])
def test_an_unknown_or_malformed_key_is_not_found(client, manager, key):
    assert client.get(f"/plan/import/{key}").status_code == 404
    assert client.post(f"/plan/import/{key}").status_code == 404


def test_the_overview_offers_the_import_to_programme_managers_only(client, plan_tree, make_person, login):
    login(make_person("Pat Manager", Role.PROGRAMME_MANAGER))
    assert "Import a plan from Word" in text(client.get("/plan"))
    login(plan_tree["owner"])
    assert "Import a plan from Word" not in text(client.get("/plan"))


def test_a_spreadsheet_updates_the_plan_or_needs_a_title_for_a_new_one(app, client, db, manager):
    template = client.get("/plan/import/template.xlsx")
    assert template.status_code == 200 and template.data[:2] == b"PK"
    refused = client.post("/plan/import", data={"file": (io.BytesIO(template.data), "plan.xlsx"), "title": ""},
                          content_type="multipart/form-data")
    assert refused.status_code == 200 and "there is no plan in the service yet" in text(refused)
    assert 'id="title-error"' in refused.get_data(as_text=True)  # next to the title, not the file
    titled = client.post("/plan/import", data={"file": (io.BytesIO(template.data), "plan.xlsx"),
                                               "title": "Quality plan"}, content_type="multipart/form-data")
    preview = client.get(titled.location)
    assert "Quality plan" in text(preview) and "Confirm and import" in text(preview)
    client.post(titled.location, data={})
    assert db.session.scalar(select(Plan.title)) == "Quality plan"
    exported = client.get("/plan/export.xlsx").data  # the plan's own download, back again: nothing to do
    again = client.post("/plan/import", data={"file": (io.BytesIO(exported), "download.xlsx")},
                        content_type="multipart/form-data")
    page = text(client.get(again.location))
    assert "Confirm and import" not in page
