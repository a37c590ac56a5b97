"""Help in the service: the user guides as pages, the accessibility statement, the privacy notice and the contact
page; the footer links to them all, and each main page links to the part of a guide about it."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from app.help.routes import PAGE_HELP, guide_url, picture_url
from app.models import Role
from app.services import help as guides

PUBLIC_PAGES = ["/help/accessibility", "/help/privacy", "/help/contact"]
GUIDE_PAGES = ["/help/", *(f"/help/{slug}" for slug in guides.GUIDES)]


class _Page(HTMLParser):
    """The links (href, text) and element ids of a page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.links: list[list[str]] = []
        self.ids: set[str] = set()
        self._link: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "a":
            self._link = [attributes.get("href") or "", ""]
            self.links.append(self._link)

    def handle_data(self, data):
        if self._link is not None:
            self._link[1] += data

    def handle_endtag(self, tag):
        if tag == "a":
            self._link = None

    def href(self, text: str) -> str:
        return next(href for href, words in self.links if " ".join(words.split()) == text)


def page(client, url: str) -> _Page:
    response = client.get(url)
    assert response.status_code == 200, url
    return _Page(response.get_data(as_text=True))


@pytest.fixture
def signed_in(client, login, make_person):
    login(make_person("Vera Viewer", Role.VIEWER))
    return client


@pytest.mark.parametrize("url", [*GUIDE_PAGES, *PUBLIC_PAGES])
def test_every_help_page_opens_for_someone_signed_in(signed_in, url):
    response = signed_in.get(url)
    assert response.status_code == 200
    assert 'class="govuk-heading-' in response.get_data(as_text=True)


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_the_statement_notice_and_contact_page_open_before_signing_in(client, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", GUIDE_PAGES)
def test_the_guides_need_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.location


def test_the_sign_in_page_links_to_the_public_pages(client):
    links = page(client, "/login")
    assert [links.href(text) for text in ("Accessibility statement", "Privacy", "Contact")] == PUBLIC_PAGES
    assert not any(href == "/help/" for href, _ in links.links)  # the guides need sign-in, so not offered yet


def test_the_footer_links_to_help_and_the_legal_pages(signed_in):
    links = page(signed_in, "/my-work")
    assert [links.href(text) for text in ("Help", "Accessibility statement", "Privacy", "Contact")] == \
        ["/help/", *PUBLIC_PAGES]


def test_my_work_links_to_the_owners_guide_on_my_work(signed_in):
    href = page(signed_in, "/my-work").href("Help with this page")
    assert href == "/help/owners#my-work"
    assert "my-work" in page(signed_in, urlsplit(href).path).ids


def test_a_page_with_no_guide_section_has_no_page_help_link(signed_in):
    assert not any(text.strip() == "Help with this page" for _, text in page(signed_in, "/help/contact").links)


@pytest.mark.parametrize("url", GUIDE_PAGES)
def test_every_link_within_help_works(signed_in, url):
    """Every link on a help page to a help page opens, and the section it points to is there."""
    for href, _ in page(signed_in, url).links:
        target = urlsplit(href)
        if href.startswith("/help"):
            assert target.fragment == "" or target.fragment in page(signed_in, target.path).ids, href
        elif href.startswith("#"):
            assert target.fragment in page(signed_in, url).ids, f"{href} on {url}"


def test_guides_link_to_each_other_in_the_service_and_never_to_files(signed_in):
    owners = page(signed_in, "/help/owners")
    managers = page(signed_in, "/help/programme-managers")
    assert owners.href("programme managers' guide") == "/help/programme-managers#how-the-rag-rating-is-suggested"
    every_href = [href for html in (owners, managers) for href, _ in html.links]
    assert not [href for href in every_href if ".md" in href]
    # the operations guide is not a help page: its link is dropped and its words kept
    assert "see operations)" in " ".join(managers_text(signed_in).split())


def managers_text(client) -> str:
    return re.sub(r"<[^>]+>", "", client.get("/help/programme-managers").get_data(as_text=True))


def test_every_page_help_link_goes_to_a_section_that_exists(app):
    """PAGE_HELP names real pages and real sections of the guides (a renamed heading fails here)."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    with app.test_request_context():
        for endpoint, (slug, section) in PAGE_HELP.items():
            assert endpoint in endpoints
            assert section in guides.guide(slug, guide_url, picture_url).anchors, f"{endpoint} → {slug}#{section}"


def test_contact_settings_appear_on_the_contact_statement_and_notice_pages(app, client):
    app.config.update(COUNCIL_NAME="Northshire County Council", SUPPORT_EMAIL="tracker.help@northshire.example",
                      SUPPORT_PHONE="01632 960 123", DPO_EMAIL="dpo@northshire.example",
                      CONTROLLER_NAME="Northshire County Council (children's services)")
    contact = client.get("/help/contact").get_data(as_text=True)
    assert all(value in contact for value in ("tracker.help@northshire.example", "01632 960 123",
                                              "dpo@northshire.example", "Northshire County Council"))
    statement = client.get("/help/accessibility").get_data(as_text=True)
    assert "mailto:tracker.help@northshire.example" in statement and "run by Northshire County Council" in statement
    notice = client.get("/help/privacy").get_data(as_text=True)
    assert "mailto:dpo@northshire.example" in notice
    assert "Northshire County Council (children&#39;s services) is the data controller" in notice


def test_the_privacy_notice_follows_the_child_identity_setting(app, client):
    assert "the child's full name and date of birth" in _text(client, "/help/privacy")
    app.config["AUDIT_COLLECT_CHILD_IDENTITY"] = False
    notice = _text(client, "/help/privacy")
    assert "the child's full name and date of birth" not in notice
    assert "set not to collect the child's name or date of birth at all" in notice


def test_the_privacy_notice_says_how_long_records_are_kept(app, client):
    assert "the council's retention schedule" in _text(client, "/help/privacy")
    app.config["RETENTION_PERIOD"] = "6 years after the audit"
    assert "Records are kept for 6 years after the audit, then deleted." in _text(client, "/help/privacy")


def _text(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True).replace("&#39;", "'")
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_guides_picture_is_served_to_people_signed_in_and_nothing_else_is(client, login, make_person):
    login(make_person("Olive Owner"))
    picture = client.get("/help/pictures/update-pack-page-1.png")
    assert picture.status_code == 200 and picture.mimetype == "image/png" and picture.data[:4] == b"\x89PNG"
    assert client.get("/help/pictures/make.py").status_code == 404
    assert client.get("/help/pictures/..%2f..%2fconfig.py").status_code == 404
    assert client.get("/help/pictures/no-such-page-1.png").status_code == 404


def test_every_picture_a_guide_shows_is_in_docs_pictures():
    shown = {name for guide in guides.GUIDES.values()
             for name in re.findall(r"\]\(pictures/([\w.-]+\.png)\)", (guides.DOCS_DIR / guide.filename).read_text())}
    assert shown, "the guides show the documents' first pages"
    assert {name for name in shown if not (guides.PICTURES_DIR / name).is_file()} == set()
