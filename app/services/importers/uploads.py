"""Checks every uploaded import file passes before a parser (python-docx, openpyxl, csv) sees it.

`read_upload` reads the file once, at most `max_bytes + 1` bytes, and returns an `Upload` (name, extension,
bytes and SHA-256), or raises DomainError(field="file") with a sentence the person who uploaded it can act on.
Nothing is written anywhere.

What it refuses:

- no file, an empty file, an extension the importer does not take, a file larger than `max_bytes`, a name longer
  than `MAX_NAME_LENGTH` (folders a browser sent and control characters such as a NUL are dropped from the name);
- a .docx or .xlsx that is not a zip, or is a zip without the part that makes it a Word document
  (word/document.xml) or an Excel workbook (xl/workbook.xml); an Office file saved with a password, which is
  not a zip at all (an OLE "compound file", like an old .doc or .xls), gets its own message;
- a zip bomb, judged from each entry's ZipInfo without extracting anything: more than `max_entries` entries,
  more than `max_uncompressed` bytes in all, or an entry over 1 MB compressed more than `max_ratio` to 1.
  The declared sizes are enough: Python's zipfile (used by python-docx and openpyxl) never inflates an entry
  beyond its declared size;
- an encrypted zip entry;
- a .csv that is not UTF-8 text (with or without a byte-order mark), which includes UTF-16 "Unicode text".

Routes pass the limit from config: `max_bytes=upload_limit(current_app.config)`. Evidence, which is kept rather
than read, passes the same name and Office-file checks (`file_name`, `check_office_file`).
"""

import hashlib
import io
import struct
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import BinaryIO

from app.services.errors import DomainError

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 10 * MB  # the default of config.EVIDENCE_MAX_BYTES (EVIDENCE_MAX_MB=10)
MAX_UNCOMPRESSED = 100 * MB
MAX_RATIO = 100
RATIO_CHECKED_FROM = 1 * MB
MAX_ENTRIES = 10_000
MAX_NAME_LENGTH = 100  # a file's name is kept in columns of 200 and 255 characters, with words around it
READ_CHUNK = 1 * MB
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_FLAG = 0x1


@dataclass(frozen=True)
class _Format:
    noun: str  # "a Word document"
    save_as: str  # the choice in the application's Save As list
    older_format: str  # what people save by mistake
    required_part: str | None  # the zip entry that makes it this kind of file; None when not a zip


FORMATS = {
    "docx": _Format("a Word document", "Word Document (.docx)", ".doc", "word/document.xml"),
    "xlsx": _Format("an Excel workbook", "Excel Workbook (.xlsx)", ".xls", "xl/workbook.xml"),
    "csv": _Format("a CSV file", "CSV UTF-8 (Comma delimited) (.csv)", ".txt", None),
    # taken as evidence only: kept, never read by the service, but checked as carefully
    "pptx": _Format("a PowerPoint presentation", "PowerPoint Presentation (.pptx)", ".ppt", "ppt/presentation.xml"),
    "odt": _Format("an OpenDocument text", "ODF Text Document (.odt)", ".doc", "content.xml"),
    "ods": _Format("an OpenDocument spreadsheet", "ODF Spreadsheet (.ods)", ".xls", "content.xml"),
}


@dataclass(frozen=True)
class Upload:
    """An uploaded file that passed every check: safe to hand to its parser."""

    filename: str
    extension: str
    data: bytes = field(repr=False)
    sha256: str


def upload_limit(config: Mapping[str, object]) -> int:
    """The largest import file the app takes: the evidence limit, never above the whole request's limit."""
    limits = [config.get("EVIDENCE_MAX_BYTES") or DEFAULT_MAX_BYTES, config.get("MAX_CONTENT_LENGTH")]
    return min(int(limit) for limit in limits if limit)


def read_upload(
    stream_or_bytes: BinaryIO | bytes | None,
    *,
    filename: str,
    allowed: set[str],
    max_bytes: int,
    max_uncompressed: int = MAX_UNCOMPRESSED,
    max_ratio: float = MAX_RATIO,
    max_entries: int = MAX_ENTRIES,
) -> Upload:
    """Read and check an uploaded file; raise DomainError(field="file") saying what is wrong with it."""
    allowed = {extension.lower() for extension in allowed}
    unknown = allowed - FORMATS.keys()
    if unknown:
        raise ValueError(f"No upload checks for: {', '.join(sorted(unknown))}")
    name = file_name(filename)
    if stream_or_bytes is None or not name:
        raise _refuse("Select a file")
    extension = _extension(name)
    if extension not in allowed:
        raise _refuse(f"The file must be {_nouns(allowed)}")
    data = _read_at_most(stream_or_bytes, max_bytes + 1)
    if not data:
        raise _refuse("The selected file is empty")
    if len(data) > max_bytes:
        raise _refuse(f"The file must be smaller than {_size_words(max_bytes)}")
    if extension == "csv":
        _check_csv(name, data)
    else:
        check_office_file(name, data, extension, max_uncompressed=max_uncompressed, max_ratio=max_ratio,
                          max_entries=max_entries)
    return Upload(filename=name, extension=extension, data=data, sha256=hashlib.sha256(data).hexdigest())


def _refuse(message: str) -> DomainError:
    return DomainError(message, field="file")


def file_name(filename: str | None) -> str:
    """The name to keep for an uploaded file: without any folder a browser sent with it (old browsers send
    C:\\Users\\…\\plan.docx, an attacker ../../etc/passwd) and without control characters (a NUL, a line break);
    raises DomainError(field="file") when it is longer than `MAX_NAME_LENGTH`."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(character for character in base if character.isprintable()).strip()
    if len(name) > MAX_NAME_LENGTH:
        raise _refuse(f"The file's name must be {MAX_NAME_LENGTH} characters or fewer. Rename the file and upload "
                      "it again")
    return name


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _nouns(allowed: set[str]) -> str:
    """'a Word document (.docx)', or 'an Excel workbook (.xlsx) or a CSV file (.csv)'."""
    kinds = [f"{fmt.noun} (.{extension})" for extension, fmt in FORMATS.items() if extension in allowed]
    return " or ".join(kinds)


def _size_words(size: int) -> str:
    for unit, factor in (("MB", MB), ("KB", 1024)):
        if size >= factor:
            return f"{round(size / factor, 1):g} {unit}"
    return f"{size} bytes"


def _read_at_most(stream_or_bytes: BinaryIO | bytes, limit: int) -> bytes:
    """Up to `limit` bytes, in chunks, so a huge upload is never read whole."""
    if isinstance(stream_or_bytes, bytes | bytearray | memoryview):
        return bytes(stream_or_bytes[:limit])
    chunks, size = [], 0
    while size < limit:
        chunk = stream_or_bytes.read(min(READ_CHUNK, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _check_csv(name: str, data: bytes) -> None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = "\x00"
    if "\x00" in text:
        raise _refuse(
            f"“{name}” is not saved as CSV UTF-8. In Excel, choose File > Save As and pick "
            "“CSV UTF-8 (Comma delimited) (*.csv)”, then upload it again"
        )


def check_office_file(name: str, data: bytes, extension: str, *, max_uncompressed: int = MAX_UNCOMPRESSED,
                      max_ratio: float = MAX_RATIO, max_entries: int = MAX_ENTRIES) -> None:
    """An Office file (.docx, .xlsx, .pptx, .odt, .ods) is a readable zip with its main part, neither a zip bomb nor
    encrypted; otherwise raise DomainError(field="file") saying so."""
    fmt = FORMATS[extension]
    if data.startswith(OLE_SIGNATURE):
        raise _refuse(
            f"“{name}” is password-protected, or saved in the older {fmt.older_format} format. Remove any password, "
            f"save it as “{fmt.save_as}” and upload it again"
        )
    entries = _zip_entries(data)
    if entries is None or fmt.required_part not in {entry.filename for entry in entries}:
        raise _refuse(
            f"“{name}” is not {fmt.noun}: it may be damaged, or saved in another format such as {fmt.older_format}"
        )
    _check_not_bomb(name, entries, max_uncompressed, max_ratio, max_entries)
    if any(entry.flag_bits & ENCRYPTED_FLAG for entry in entries):
        raise _refuse(f"“{name}” is password-protected. Remove the password, save it and upload it again")


def _zip_entries(data: bytes) -> list[zipfile.ZipInfo] | None:
    """The zip's directory, or None when the bytes are not a readable zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, struct.error):
        return None


def _check_not_bomb(name: str, entries: list[zipfile.ZipInfo], max_uncompressed: int, max_ratio: float,
                    max_entries: int) -> None:
    unsafe = f"“{name}” cannot be imported safely"
    if len(entries) > max_entries:
        raise _refuse(f"{unsafe}: it holds more than {max_entries:,} parts. Check it is the right file")
    if sum(entry.file_size for entry in entries) > max_uncompressed:
        raise _refuse(f"{unsafe}: it would take more than {_size_words(max_uncompressed)} once opened. "
                      "Check it is the right file")
    if any(_too_compressed(entry, max_ratio) for entry in entries):
        raise _refuse(f"{unsafe}: part of it is compressed more than {max_ratio:g} to 1, which a real "
                      "document never is. Check it is the right file")


def _too_compressed(entry: zipfile.ZipInfo, max_ratio: float) -> bool:
    if entry.file_size <= RATIO_CHECKED_FROM:
        return False
    return entry.file_size > max_ratio * entry.compress_size
