"""Text as a reader should see it, from text that may hold HTML (cells of an imported plan written in a web
editor: `<p>Phase 1 30/09/20</p> <p>Phase 2 30/10/20</p>`): each block (paragraph, list item, line break) on a
line of its own, list items as bullets, entities as the characters they stand for, every other tag dropped.

Applied once, where imported text is read, so what is stored is what pages, reports and e-mails show.

Control characters that no text may hold (NUL and the other C0 controls but tab and line breaks, and the two
non-characters U+FFFE/U+FFFF) are dropped from everything typed or sent (app/web.py, CleanRequest) and imported:
they are never what someone meant, PostgreSQL cannot store NUL, and a Word document cannot hold any of them.
"""

import re
from html.parser import HTMLParser

NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table"})


def without_control_characters(value: str) -> str:
    return NOT_TEXT.sub("", value)


def plain_text(value: str) -> str:
    """The text with any HTML turned into lines and without control characters; other text is returned as it is."""
    value = without_control_characters(value)
    if "<" not in value and "&" not in value:
        return value
    reader = _Reader()
    reader.feed(value)
    reader.close()
    lines = (" ".join(line.split()) for line in "".join(reader.parts).split("\n"))
    return "\n".join(line for line in lines if line)


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in BLOCKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("• ")

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def unknown_decl(self, data: str) -> None:  # <![CDATA[…]]> and the like: nothing a reader needs
        pass

