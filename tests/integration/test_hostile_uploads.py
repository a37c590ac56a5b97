"""Hostile files on every upload (a plan to import, evidence for a milestone) and hostile text in the case pool's
CSV: each is refused with a sentence next to the field, never an error, and nothing is written anywhere: no row,
no line of history, no file kept."""

import io
import re
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db as _db
from app.models import ChangeRecord, Evidence, Plan, PoolCase, Role, StoredFile

MB = 1024 * 1024


def zipped(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def huge_declared_size(data: bytes, size: int) -> bytes:
    """A zip whose directory claims its first entry is `size` bytes once inflated (a bomb judged by its header)."""
    directory = data.rfind(b"PK\x01\x02")
    return data[:directory + 24] + size.to_bytes(4, "little") + data[directory + 28:]


WORD_PARTS = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
BOMB_DOCX = zipped({**WORD_PARTS, "word/media/zeros.bin": bytes(20 * MB)})
BOMB_XLSX = zipped({"xl/workbook.xml": b"<workbook/>", "xl/zeros.bin": bytes(20 * MB)})
LONG_NAME = "a" * 5000
HOSTILE_FILES = {  # name: (file name, bytes)
    "empty": ("plan.docx", b""),
    "text as .docx": ("plan.docx", b"not a word document"),
    "pdf as .xlsx": ("plan.xlsx", b"%PDF-1.4 not a workbook"),
    "zip of nothing as .docx": ("plan.docx", zipped({"hello.txt": b"hi"})),
    "word parts of nonsense": ("plan.docx", zipped({"[Content_Types].xml": b"\x00\xff", "word/document.xml": b"<"})),
    "workbook of nonsense": ("plan.xlsx", zipped({"[Content_Types].xml": b"<", "xl/workbook.xml": b"\x00"})),
    "zip bomb .docx": ("plan.docx", BOMB_DOCX),
    "zip bomb .xlsx": ("plan.xlsx", BOMB_XLSX),
    "declared 4 GB .docx": ("plan.docx", huge_declared_size(zipped(WORD_PARTS), 2**32 - 1)),
    "truncated zip": ("plan.docx", zipped(WORD_PARTS)[:-30]),
    "invalid UTF-8 .csv": ("plan.csv", b"Area,Action\n\xff\xfe\xc3(,x\n"),
    "UTF-16 .csv": ("plan.csv", "Area,Action\n1,2\n".encode("utf-16")),
    "NUL bytes .csv": ("plan.csv", b"Area,Action\n1\x00,2\n"),
    "a 200 KB cell .csv": ("plan.csv", b'Area,Action\n"' + b"x" * 200_000 + b'",2\n'),
    "a million columns .csv": ("plan.csv", b"," * 1_000_000 + b"\n"),
    "unclosed quote .csv": ("plan.csv", b'Area,Action\n"1,2\n'),
    "over the size limit": ("plan.docx", b"PK\x03\x04" + bytes(11 * MB)),
    "very long name": (LONG_NAME + ".docx", b"x"),
    "path traversal name": ("../../../../etc/passwd.docx", b"x"),
    "windows traversal name": ("..\\..\\..\\windows\\win.ini.xlsx", b"x"),
    "NUL in the name": ("plan\x00.exe.docx", b"x"),
    "no name": ("", b"x"),
    "only an extension": (".docx", b"x"),
}
EVIDENCE_FILES = {
    "empty": ("minutes.pdf", b""),
    "text as .pdf": ("minutes.pdf", b"not a pdf"),
    "html as .png": ("chart.png", b"<script>alert(1)</script>"),
    "exe as .docx": ("minutes.docx", b"MZ\x90\x00"),
    "zip bomb .docx": ("minutes.docx", BOMB_DOCX),
    "declared 4 GB .xlsx": ("figures.xlsx", huge_declared_size(zipped({"xl/workbook.xml": b"<w/>"}), 2**32 - 1)),
    "invalid UTF-8 .csv": ("figures.csv", b"\xff\xfe\xc3("),
    "NUL bytes .txt": ("notes.txt", b"notes\x00more"),
    "over the size limit": ("minutes.pdf", b"%PDF" + bytes(11 * MB)),
    "no extension": ("minutes", b"%PDF-1.4"),
    "an extension only": (".pdf", b"%PDF-1.4"),
    "very long name": (LONG_NAME + ".pdf", b"%PDF-1.4"),
    "path traversal name": ("../../../../tmp/evil.pdf", b"x"),
    "NUL in the name": ("minutes\x00.exe.pdf", b"x"),
}


def counts() -> dict:
    return {model.__name__: _db.session.scalar(select(func.count()).select_from(model))
            for model in (Plan, Evidence, PoolCase, ChangeRecord)}


def files_in(*folders: str) -> list[str]:
    """Every file kept: in the service's file storage, or (it never should be) written to a folder."""
    on_disk = [str(path) for folder in folders if Path(folder).exists() for path in Path(folder).rglob("*")]
    return on_disk + list(_db.session.scalars(select(StoredFile.key)))


def error_next_to(response, field: str) -> str:
    """The message shown next to the field (GOV.UK's error message in the field's group)."""
    html = response.get_data(as_text=True)
    found = re.search(rf'<p id="{field}-error" class="govuk-error-message">(.*?)</p>', html, re.DOTALL)
    assert found, f"no error next to {field}"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split()).removeprefix("Error:").strip()


@pytest.fixture
def folders(app, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "evidence")  # read by nothing now: files are in the database
    return (app.config["UPLOAD_FOLDER"],)


def post_file(client, url: str, filename: str, data: bytes, **fields):
    return client.post(url, data={**fields, "file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


@pytest.mark.parametrize("case", HOSTILE_FILES)
def test_a_hostile_plan_file_is_refused_next_to_the_field(client, login, make_person, plan_tree, folders, case):
    login(make_person("Pat Manager", Role.PROGRAMME_MANAGER))
    before = counts()
    filename, data = HOSTILE_FILES[case]
    response = post_file(client, "/plan/import", filename, data, title="A new plan")
    assert response.status_code == 200, f"{case}: {response.status_code}"
    assert error_next_to(response, "file")
    assert counts() == before and files_in(*folders) == []


@pytest.mark.parametrize("case", EVIDENCE_FILES)
def test_hostile_evidence_is_refused_next_to_the_field(client, login, plan_tree, folders, case):
    login(plan_tree["owner"])
    before = counts()
    filename, data = EVIDENCE_FILES[case]
    response = post_file(client, f"/milestones/{plan_tree['milestone'].id}/evidence/new", filename, data)
    assert response.status_code == 200, f"{case}: {response.status_code}"
    assert error_next_to(response, "file")
    assert counts() == before and files_in(*folders) == []


def test_a_request_larger_than_any_upload_is_refused_as_too_large(app, client, login, plan_tree, folders):
    login(plan_tree["owner"])
    response = post_file(client, f"/milestones/{plan_tree['milestone'].id}/evidence/new", "minutes.pdf",
                         b"%PDF" + bytes(app.config["MAX_CONTENT_LENGTH"]))
    assert response.status_code == 413 and "The file is too large" in response.get_data(as_text=True)
    assert files_in(*folders) == []


HOSTILE_CSV = {
    "NUL bytes": "reference,team\nC1\x00,North\n",
    "a 200 KB cell": 'reference,team\n"' + "x" * 200_000 + '",North\n',
    "unclosed quote": 'reference,team\n"C1,North\n',
    "lone surrogate-like text": "reference,team\n\udcff,North\n".encode("utf-8", "surrogateescape").decode("latin-1"),
    "a million commas": "," * 1_000_000,
    "ten thousand lines": "reference,team\n" + "C1,North\n" * 10_000,
}


@pytest.mark.parametrize("case", HOSTILE_CSV)
@pytest.mark.parametrize("button", ["preview", "confirm"])
def test_hostile_case_pool_csv_is_refused_or_checked_never_an_error(client, login, make_person, case, button):
    login(make_person("Quinn Lead", Role.QA_LEAD))
    before = counts()
    response = client.post("/audits/pool/import", data={"csv_text": HOSTILE_CSV[case], button: "x"})
    assert response.status_code == 200, f"{case}: {response.status_code}"
    assert counts() == before


def test_evidence_keeps_its_name_without_folders_or_control_characters(client, login, plan_tree, folders, db):
    login(plan_tree["owner"])
    response = post_file(client, f"/milestones/{plan_tree['milestone'].id}/evidence/new",
                         "../../board minutes\x00\x07.pdf", b"%PDF-1.4 minutes")
    assert response.status_code == 302
    assert [item.filename for item in db.session.scalars(select(Evidence))] == ["board minutes.pdf"]


def test_a_case_reference_longer_than_the_pool_keeps_is_a_problem_on_its_line(client, login, make_person, db):
    login(make_person("Quinn Lead", Role.QA_LEAD))
    response = client.post("/audits/pool/import", data={"csv_text": f"reference,team\n{'C' * 41},North\n",
                                                        "confirm": "x"})
    assert "Reference must be 40 characters or fewer" in response.get_data(as_text=True)
    assert counts()["PoolCase"] == 0
