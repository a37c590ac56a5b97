"""The user guides in `docs/` as help pages: Markdown made into GOV.UK-styled HTML, with working links between them.

The guides are written for GitHub and for the service at once. Here each guide's headings get the ids GitHub gives
them (so `#my-work` works in both), a link to another guide goes to its help page, and a link to a file that is not
a guide (the operations guide, a decision) is dropped, keeping its words. A picture in `docs/pictures/` (a report's
first page) is shown from the help pages' own address for it, at most as wide as the page. Raw HTML in the Markdown
is shown as text.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape

from config import BASE_DIR

DOCS_DIR = BASE_DIR / "docs"
PICTURES_DIR = DOCS_DIR / "pictures"
PICTURE = re.compile(r"^(?:\./)?pictures/(?P<name>[\w.-]+\.png)$")


@dataclass(frozen=True)
class GuideInfo:
    slug: str
    filename: str
    audience: str  # who it is for, as the help index lists it


GUIDES = {guide.slug: guide for guide in (
    GuideInfo("owners", "user-guide-owners.md", "Action owners: responsible persons and leads of milestones"),
    GuideInfo("programme-managers", "user-guide-programme-managers.md", "Programme managers and administrators"),
    GuideInfo("auditors", "user-guide-auditors.md", "Auditors of case files"),
    GuideInfo("qa-leads", "user-guide-qa-leads.md", "QA leads: audit rounds, moderation and findings"),
    GuideInfo("reminders", "user-guide-reminders.md", "Everyone: reminders, notifications and your calendar feed"),
)}
GUIDE_BY_FILENAME = {guide.filename: guide.slug for guide in GUIDES.values()}


@dataclass(frozen=True)
class Guide:
    slug: str
    title: str
    html: Markup
    anchors: frozenset[str]


CLASSES = {
    "paragraph_open": "govuk-body",
    "bullet_list_open": "govuk-list govuk-list--bullet",
    "ordered_list_open": "govuk-list govuk-list--number",
    "table_open": "govuk-table",
    "thead_open": "govuk-table__head",
    "tbody_open": "govuk-table__body",
    "tr_open": "govuk-table__row",
    "th_open": "govuk-table__header",
    "td_open": "govuk-table__cell",
    "blockquote_open": "govuk-inset-text",
    "hr": "govuk-section-break govuk-section-break--l govuk-section-break--visible",
    "link_open": "govuk-link",  # inside a paragraph's inline tokens
}
HEADING_CLASSES = {"h1": "govuk-heading-l", "h2": "govuk-heading-m", "h3": "govuk-heading-s"}
GUIDE_LINK = re.compile(r"^(?:\./)?(?P<file>[\w-]+\.md)(?P<anchor>#[\w-]*)?$")


def guide(slug: str, help_url, picture_url) -> Guide | None:
    """The guide called `slug`, rendered (once per version of its file); `help_url(slug)` is a guide's address and
    `picture_url(name)` a picture's."""
    info = GUIDES.get(slug)
    if info is None:
        return None
    path = DOCS_DIR / info.filename
    return _rendered(slug, path, path.stat().st_mtime_ns, help_url, picture_url)


@lru_cache(maxsize=16)
def _rendered(slug: str, path: Path, _version: int, help_url, picture_url) -> Guide:
    return render(slug, path.read_text(encoding="utf-8"), help_url, picture_url)


def render(slug: str, text: str, help_url, picture_url=None) -> Guide:
    """A guide's Markdown as safe HTML with GOV.UK classes; its first level-1 heading becomes the page's title."""
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = parser.parse(text)
    title, tokens = _take_title(tokens)
    anchors = _add_heading_ids(tokens)
    for token in tokens:
        if token.type in CLASSES:
            token.attrJoin("class", CLASSES[token.type])
        if token.children:
            token.children = _pictures(_links(token.children, help_url), picture_url)
    parser.add_render_rule("table_open", _table_open)
    parser.add_render_rule("table_close", lambda self, tokens, idx, options, env: "</table></div>\n")
    html = parser.renderer.render(tokens, parser.options, {"table_labels": []})
    return Guide(slug=slug, title=title or GUIDES[slug].audience, html=Markup(html), anchors=frozenset(anchors))


def slug_of(heading: str) -> str:
    """The id GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _take_title(tokens: list[Token]) -> tuple[str | None, list[Token]]:
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h1":
            return tokens[index + 1].content, tokens[:index] + tokens[index + 3:]
    return None, tokens


def _add_heading_ids(tokens: list[Token]) -> list[str]:
    """Give each heading its GitHub id (a repeated heading gets -1, -2 … as on GitHub) and its GOV.UK class."""
    seen: dict[str, int] = {}
    anchors = []
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        base = slug_of("".join(child.content for child in tokens[index + 1].children or []))
        anchor = f"{base}-{seen[base]}" if base in seen else base
        seen[base] = seen.get(base, 0) + 1
        token.attrSet("id", anchor)
        token.attrJoin("class", HEADING_CLASSES.get(token.tag, "govuk-heading-s"))
        anchors.append(anchor)
    return anchors


def _links(children: list[Token], help_url) -> list[Token]:
    """Point links to other guides at their help pages; drop links to files that are not guides (keep the words)."""
    kept, dropped = [], 0
    for token in children:
        if token.type == "link_open":
            href = _service_href(token.attrGet("href") or "", help_url)
            if href is None:
                dropped += 1
                continue
            token.attrSet("href", href)
            token.attrJoin("class", CLASSES["link_open"])
        elif token.type == "link_close" and dropped:
            dropped -= 1
            continue
        kept.append(token)
    return kept


def _pictures(children: list[Token], picture_url) -> list[Token]:
    """A picture from docs/pictures/ at its address in the service, sized to the page; any other picture is dropped
    (its alt text stays, as words)."""
    kept = []
    for token in children:
        match = PICTURE.match(token.attrGet("src") or "") if token.type == "image" else None
        if token.type == "image" and (match is None or picture_url is None):
            kept.append(Token("text", "", 0, content=token.content))
            continue
        if match:
            token.attrSet("src", picture_url(match["name"]))
            token.attrJoin("class", "app-help-picture")
        kept.append(token)
    return kept


def _service_href(href: str, help_url) -> str | None:
    if href.startswith(("#", "https://", "http://", "mailto:")):
        return href
    match = GUIDE_LINK.match(href)
    if match and match["file"] in GUIDE_BY_FILENAME:
        return help_url(GUIDE_BY_FILENAME[match["file"]]) + (match["anchor"] or "")
    return None


def _table_open(self, tokens, idx, options, env) -> str:
    """A table in a box that scrolls on its own on a narrow screen (the page itself never scrolls sideways);
    the box can be reached and scrolled with the keyboard."""
    label = _heading_before(tokens, idx)
    env["table_labels"].append(label)
    count = env["table_labels"].count(label)  # each box's name is its own, as landmarks' names must be
    name = f"{label} (table)" if count == 1 else f"{label} (table {count})"
    return (f'<div class="app-help-table" tabindex="0" role="region" aria-label="{escape(name)}">'
            + self.renderToken(tokens, idx, options, env))


def _heading_before(tokens: list[Token], idx: int) -> str:
    for index in range(idx - 1, 0, -1):
        if tokens[index].type == "inline" and tokens[index - 1].type == "heading_open":
            return tokens[index].content
    return "Table"
