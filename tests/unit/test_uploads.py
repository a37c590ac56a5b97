"""Checks on uploaded import files, with real .docx, .xlsx, .csv and zip files built in memory."""

import hashlib
import random
import zipfile
from io import BytesIO

import pytest
from docx import Document
from openpyxl import Workbook

from app.services.errors import DomainError
from app.services.importers.uploads import (
    DEFAULT_MAX_BYTES,
    MB,
    OLE_SIGNATURE,
    Upload,
    read_upload,
    upload_limit,
)

SPREADSHEETS = {"xlsx", "csv"}


def make_docx() -> bytes:
    document = Document()
    document.add_heading("Improvement plan", level=1)
    document.add_paragraph("1.1 Strengthen management oversight")
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def make_xlsx() -> bytes:
    workbook = Workbook()
    workbook.active.append(["Action No.", "What we are doing"])
    workbook.active.append(["1.1", "Audit case files"])
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def make_zip(entries: dict[str, bytes | int]) -> bytes:
    """A zip of the given entries; an int stands for that many zero bytes, written in chunks."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            if isinstance(content, int):
                with archive.open(name, "w", force_zip64=True) as entry:
                    for start in range(0, content, MB):
                        entry.write(bytes(min(MB, content - start)))
            else:
                archive.writestr(name, content)
    return out.getvalue()


def mark_encrypted(data: bytes) -> bytes:
    """Set the 'encrypted' flag on every entry (zipfile cannot write encrypted zips)."""
    patched = bytearray(data)
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = patched.find(signature)
        while position != -1:
            patched[position + flag_offset] |= 0x1
            position = patched.find(signature, position + 4)
    return bytes(patched)


class EndlessZeros:
    """A stream that never ends, counting what was read from it."""

    def __init__(self):
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        assert size > 0, "must never read a stream whole"
        self.bytes_read += size
        return bytes(size)


def refusal(data, filename="plan.docx", allowed=frozenset({"docx"}), max_bytes=DEFAULT_MAX_BYTES, **limits) -> str:
    with pytest.raises(DomainError) as caught:
        read_upload(data, filename=filename, allowed=set(allowed), max_bytes=max_bytes, **limits)
    assert caught.value.field == "file"
    return caught.value.message


# Accepted files


def test_accepts_a_real_word_document():
    data = make_docx()
    upload = read_upload(data, filename="plan.docx", allowed={"docx"}, max_bytes=DEFAULT_MAX_BYTES)
    assert upload == Upload(filename="plan.docx", extension="docx", data=data, sha256=hashlib.sha256(data).hexdigest())
    assert data.hex()[:20] not in repr(upload)


def test_accepts_a_stream_and_keeps_only_the_base_name():
    data = make_docx()
    upload = read_upload(BytesIO(data), filename=r"C:\fakepath\July Plan.DOCX", allowed={"docx"}, max_bytes=len(data))
    assert (upload.filename, upload.extension, upload.data) == ("July Plan.DOCX", "docx", data)


def test_accepts_a_real_excel_workbook():
    data = make_xlsx()
    upload = read_upload(data, filename="actions.xlsx", allowed=SPREADSHEETS, max_bytes=DEFAULT_MAX_BYTES)
    assert upload.extension == "xlsx"
    assert upload.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_accepts_a_utf8_csv_with_or_without_a_byte_order_mark(encoding):
    data = "Action No.,Owner\n1.1,Zoë Ångström\n".encode(encoding)
    upload = read_upload(data, filename="actions.csv", allowed=SPREADSHEETS, max_bytes=DEFAULT_MAX_BYTES)
    assert (upload.extension, upload.data, upload.sha256) == ("csv", data, hashlib.sha256(data).hexdigest())


# No file, empty, wrong type, too big


@pytest.mark.parametrize(("data", "filename"), [(None, "plan.docx"), (b"", ""), (BytesIO(b""), None)])
def test_refuses_no_file(data, filename):
    assert refusal(data, filename=filename) == "Select a file"


@pytest.mark.parametrize("data", [b"", BytesIO(b"")])
def test_refuses_an_empty_file(data):
    assert refusal(data) == "The selected file is empty"


@pytest.mark.parametrize(
    ("filename", "allowed", "message"),
    [
        ("plan.doc", {"docx"}, "The file must be a Word document (.docx)"),
        ("plan", {"docx"}, "The file must be a Word document (.docx)"),
        ("actions.xls", SPREADSHEETS, "The file must be an Excel workbook (.xlsx) or a CSV file (.csv)"),
        ("plan.docx", {"csv"}, "The file must be a CSV file (.csv)"),
    ],
)
def test_refuses_an_extension_not_allowed(filename, allowed, message):
    assert refusal(make_docx(), filename=filename, allowed=allowed) == message


def test_refuses_a_file_over_the_limit_reading_one_byte_more_and_no_further():
    stream = EndlessZeros()
    assert refusal(stream) == "The file must be smaller than 10 MB"
    assert stream.bytes_read == DEFAULT_MAX_BYTES + 1


def test_size_limit_is_exact():
    data = make_docx()
    assert read_upload(data, filename="plan.docx", allowed={"docx"}, max_bytes=len(data)).data == data
    assert refusal(data, max_bytes=len(data) - 1) == f"The file must be smaller than {round((len(data) - 1) / 1024, 1):g} KB"


def test_unknown_allowed_extension_is_a_programming_error():
    with pytest.raises(ValueError, match="pdf"):
        read_upload(b"%PDF", filename="a.pdf", allowed={"pdf"}, max_bytes=DEFAULT_MAX_BYTES)


# Not the right kind of file


NOT_WORD = "“plan.docx” is not a Word document: it may be damaged, or saved in another format such as .doc"
NOT_EXCEL = "“actions.xlsx” is not an Excel workbook: it may be damaged, or saved in another format such as .xls"


@pytest.mark.parametrize(
    "data",
    [b"Improvement plan, typed as text", make_docx()[:2000], make_xlsx(), make_zip({"word/other.xml": b"<x/>"})],
    ids=["text", "truncated", "excel-renamed", "zip-without-document"],
)
def test_refuses_a_docx_that_is_not_a_word_document(data):
    assert refusal(data) == NOT_WORD


@pytest.mark.parametrize("data", [b"a,b\n1,2\n", make_docx()], ids=["csv-renamed", "word-renamed"])
def test_refuses_an_xlsx_that_is_not_an_excel_workbook(data):
    assert refusal(data, filename="actions.xlsx", allowed=SPREADSHEETS) == NOT_EXCEL


def test_refuses_a_password_protected_or_old_format_office_file():
    message = refusal(OLE_SIGNATURE + bytes(4096))
    assert message.startswith("“plan.docx” is password-protected, or saved in the older .doc format")
    assert "Word Document (.docx)" in message


def test_refuses_a_zip_with_an_encrypted_entry():
    message = refusal(mark_encrypted(make_zip({"word/document.xml": b"<w:document/>"})))
    assert message == "“plan.docx” is password-protected. Remove the password, save it and upload it again"


# Zip bombs, judged from the zip's directory


def test_refuses_an_entry_compressed_more_than_100_to_1():
    bomb = make_zip({"word/document.xml": b"<w:document/>", "word/media/image1.png": 60 * MB})
    assert len(bomb) < 1 * MB
    message = refusal(bomb)
    assert message.startswith("“plan.docx” cannot be imported safely: part of it is compressed more than 100 to 1")


def test_ratio_is_only_checked_for_entries_over_1_mb():
    data = make_zip({"word/document.xml": b"<w:document/>", "word/media/blank.bin": 1 * MB})
    assert read_upload(data, filename="plan.docx", allowed={"docx"}, max_bytes=DEFAULT_MAX_BYTES).extension == "docx"


def test_ratio_limit_can_be_lowered():
    half_noise = random.Random(0).randbytes(1 * MB) + bytes(1 * MB)  # compresses about 2 to 1
    data = make_zip({"xl/workbook.xml": b"<workbook/>", "xl/sharedStrings.xml": half_noise})
    assert read_upload(data, filename="a.xlsx", allowed={"xlsx"}, max_bytes=DEFAULT_MAX_BYTES).extension == "xlsx"
    assert "compressed more than 1.5 to 1" in refusal(data, filename="a.xlsx", allowed={"xlsx"}, max_ratio=1.5)


def test_refuses_more_uncompressed_data_than_the_limit():
    data = make_zip({"word/document.xml": b"<w:document/>", "a.bin": 600 * 1024, "b.bin": 600 * 1024})
    assert read_upload(data, filename="plan.docx", allowed={"docx"}, max_bytes=DEFAULT_MAX_BYTES).extension == "docx"
    message = refusal(data, max_uncompressed=1 * MB)
    assert message.startswith("“plan.docx” cannot be imported safely: it would take more than 1 MB once opened")


def test_refuses_too_many_entries():
    data = make_zip({"word/document.xml": b"<w:document/>"} | {f"word/part{n}.xml": b"<x/>" for n in range(5)})
    assert read_upload(data, filename="plan.docx", allowed={"docx"}, max_bytes=DEFAULT_MAX_BYTES, max_entries=6)
    message = refusal(data, max_entries=5)
    assert message.startswith("“plan.docx” cannot be imported safely: it holds more than 5 parts")


# CSV encoding


CSV_MESSAGE = (
    "“actions.csv” is not saved as CSV UTF-8. In Excel, choose File > Save As and pick "
    "“CSV UTF-8 (Comma delimited) (*.csv)”, then upload it again"
)


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-16-le"])
def test_refuses_a_csv_that_is_not_utf8(encoding):
    data = "Action No.,Owner\n1.1,Zoë Ångström\n".encode(encoding)
    assert refusal(data, filename="actions.csv", allowed=SPREADSHEETS) == CSV_MESSAGE


def test_refuses_a_workbook_renamed_csv():
    assert refusal(make_xlsx(), filename="actions.csv", allowed=SPREADSHEETS) == CSV_MESSAGE


# The limit from config


def test_upload_limit_from_config():
    assert upload_limit({"EVIDENCE_MAX_BYTES": 10 * MB, "MAX_CONTENT_LENGTH": 20 * MB}) == 10 * MB
    assert upload_limit({"EVIDENCE_MAX_BYTES": 10 * MB, "MAX_CONTENT_LENGTH": 5 * MB}) == 5 * MB
    assert upload_limit({}) == DEFAULT_MAX_BYTES
