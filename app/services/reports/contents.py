"""A contents list for a long report: an entry for each heading 1 and 2, written as Word writes a table of contents's
entries: a hyperlink to a bookmark ("_Toc…") on the heading, its text, a right-aligned dotted tab and the heading's
page as a PAGEREF field.

The entries are not wrapped in a TOC field: LibreOffice (7.4) shows a TOC field's entries as fixed text and drops the
page numbers in them, whereas a PAGEREF field on its own is worked out when the document is laid out. Word works the
numbers out when the document is opened (each PAGEREF is marked w:dirty), on F9 or before printing.
"""

from docx.document import Document as WordDocument
from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.text.paragraph import Paragraph

TITLE = "Contents"
LEVELS = {"Heading 1": 1, "Heading 2": 2}
INDENT_CM = 0.6  # each level below the first
_P, _T = qn("w:p"), qn("w:t")


def start(document: WordDocument) -> Paragraph:
    """The "Contents" title and the paragraph the entries will replace, once the headings are written (fill)."""
    document.add_paragraph(TITLE, style="TOC Heading")
    return document.add_paragraph()


def fill(document: WordDocument, place: Paragraph, *, width_cm: float) -> int:
    """Replace `place` with an entry for each heading 1 and 2 after it (a bookmark put on each heading); returns how
    many. width_cm is the text width, where the page numbers are aligned."""
    levels = {document.styles[name].style_id: level for name, level in LEVELS.items()}
    headings = [(paragraph, levels[style]) for paragraph in place._p.itersiblings(_P)
                if (style := paragraph.style) in levels and _text(paragraph)]
    for number, (heading, level) in enumerate(headings, start=1):
        bookmark = f"_Toc{number:08d}"
        _bookmark(heading, bookmark, number)
        _entry(document, place, _text(heading), level, bookmark, width_cm)
    place._p.getparent().remove(place._p)
    return len(headings)


def _text(paragraph) -> str:
    return "".join(node.text or "" for node in paragraph.iter(_T)).strip()


def _bookmark(heading, name: str, number: int) -> None:
    """A bookmark around the heading's text (after its properties)."""
    start = OxmlElement("w:bookmarkStart", {qn("w:id"): str(number), qn("w:name"): name})
    properties = heading.pPr
    if properties is None:
        heading.insert(0, start)
    else:
        properties.addnext(start)
    heading.append(OxmlElement("w:bookmarkEnd", {qn("w:id"): str(number)}))


def _entry(document: WordDocument, place: Paragraph, text: str, level: int, bookmark: str, width_cm: float) -> None:
    paragraph = place.insert_paragraph_before()
    layout = paragraph.paragraph_format
    layout.left_indent = Cm(INDENT_CM * (level - 1))
    layout.space_after = 0 if level > 1 else Cm(0.1)
    layout.tab_stops.add_tab_stop(Cm(width_cm), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    link = OxmlElement("w:hyperlink", {qn("w:anchor"): bookmark, qn("w:history"): "1"})
    paragraph._p.append(link)
    for kind, value in [("text", text), ("tab", None), ("begin", True), ("instr", f" PAGEREF {bookmark} \\h "),
                        ("separate", None), ("text", ""), ("end", None)]:
        link.append(_run(kind, value))
    if level == 1:
        for run in link.iter(qn("w:r")):
            run.insert(0, _bold())


def _run(kind: str, value):
    run = OxmlElement("w:r")
    if kind == "text":
        child = OxmlElement("w:t")
        child.text = value
        child.set(qn("xml:space"), "preserve")
    elif kind == "tab":
        child = OxmlElement("w:tab")
    elif kind == "instr":
        child = OxmlElement("w:instrText")
        child.text = value
        child.set(qn("xml:space"), "preserve")
    else:  # a field character: begin (dirty: Word works the field out on opening), separate, end
        child = OxmlElement("w:fldChar", {qn("w:fldCharType"): kind})
        if value:
            child.set(qn("w:dirty"), "true")
    run.append(child)
    return run


def _bold():
    properties = OxmlElement("w:rPr")
    properties.append(OxmlElement("w:b"))
    return properties
