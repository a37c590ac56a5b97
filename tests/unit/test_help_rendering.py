"""A guide's Markdown as a help page: GOV.UK classes, GitHub's heading ids, links that work in the service, and no
raw HTML."""

from app.services.help import render, slug_of

SOURCE = """# User guide: testers

Intro with <script>alert(1)</script> and a <committee> placeholder.

## A milestone's page

See [the owners' guide](user-guide-owners.md#my-work), [above](#a-milestones-page) and
[operations](operations.md#backups), or [GOV.UK](https://www.gov.uk/).

## Filters

| Column | Meaning |
|---|---|
| Due | When |

| Another | Table |
|---|---|
| Under | Filters |

- one
- two

## Filters
"""


def rendered():
    return render("owners", SOURCE, lambda slug: f"/help/{slug}")


def test_the_first_heading_is_the_title_and_is_not_repeated_in_the_body():
    guide = rendered()
    assert guide.title == "User guide: testers"
    assert "User guide: testers" not in guide.html


def test_headings_get_githubs_ids_and_govuk_classes():
    guide = rendered()
    assert '<h2 id="a-milestones-page" class="govuk-heading-m">' in guide.html
    assert guide.anchors == {"a-milestones-page", "filters", "filters-1"}
    assert slug_of("People and Teams (administrators)") == "people-and-teams-administrators"


def test_raw_html_is_shown_as_text():
    html = rendered().html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;committee&gt;" in html


def test_links_work_in_the_service():
    html = rendered().html
    assert '<a href="/help/owners#my-work" class="govuk-link">the owners\' guide</a>' in html.replace("&#x27;", "'")
    assert '<a href="#a-milestones-page" class="govuk-link">above</a>' in html
    assert '<a href="https://www.gov.uk/" class="govuk-link">GOV.UK</a>' in html
    assert "operations.md" not in html and "\noperations, or" in html  # not a help page: the words stay, no link


def test_tables_and_lists_use_govuk_styles_and_a_table_scrolls_in_its_own_labelled_box():
    html = rendered().html
    assert '<div class="app-help-table" tabindex="0" role="region" aria-label="Filters (table)">' in html
    assert 'aria-label="Filters (table 2)"' in html  # two tables under one heading: each box has its own name
    assert '<table class="govuk-table">' in html and '<th class="govuk-table__header">Column</th>' in html
    assert '<td class="govuk-table__cell">Due</td>' in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html and '<p class="govuk-body">' in html


def test_a_picture_of_a_report_is_shown_from_the_services_address_and_any_other_picture_as_its_words():
    source = ("# Guide\n\n![The update pack's first page](pictures/update-pack-page-1.png)\n\n"
              "![A tracking pixel](https://tracker.example/pixel.png)\n")
    guide = render("owners", source, lambda slug: f"/help/{slug}", lambda name: f"/help/pictures/{name}")
    assert ('<img src="/help/pictures/update-pack-page-1.png" alt="The update pack\'s first page" '
            'class="app-help-picture" />') in guide.html
    assert "tracker.example" not in guide.html and "A tracking pixel" in guide.html
