"""What a browser sends when a person presses a button of a form a page serves: every field as the page filled it
in (ticked boxes and chosen options only), and the button pressed."""

from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict

TYPED = {"text", "hidden", "email", "number", "date", "password", "search", "tel", "url"}


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []  # each: action, method, fields (name, value) in page order, buttons {name: value}
        self.form: dict | None = None
        self.textarea: list | None = None  # [name, text]
        self.select: list | None = None  # [name, first option, chosen option]

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "form":
            self.form = {"action": attributes.get("action") or "", "method": (attributes.get("method") or "get").lower(),
                         "fields": [], "buttons": {}}
            self.forms.append(self.form)
        elif self.form is None or (name is None and tag != "option"):
            return
        elif tag == "button" or (tag == "input" and attributes.get("type") == "submit"):
            self.form["buttons"][name] = attributes.get("value", "")
        elif tag == "input" and attributes.get("type", "text") in TYPED:
            self.form["fields"].append((name, attributes.get("value") or ""))
        elif tag == "input" and attributes.get("type") in ("radio", "checkbox") and "checked" in attributes:
            self.form["fields"].append((name, attributes.get("value", "on")))
        elif tag == "textarea":
            self.textarea = [name, ""]
        elif tag == "select":
            self.select = [name, None, None]
        elif tag == "option" and self.select is not None:
            value = attributes.get("value", "")
            self.select[1] = value if self.select[1] is None else self.select[1]
            self.select[2] = value if "selected" in attributes else self.select[2]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "textarea" and self.textarea is not None:
            self.form["fields"].append((self.textarea[0], self.textarea[1].removeprefix("\n")))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            name, first, chosen = self.select
            self.form["fields"].append((name, chosen if chosen is not None else first or ""))
            self.select = None


def submission(html: str, button: str, **typed: str) -> MultiDict:
    """The form holding `button`, as served, with `typed` written into its boxes, submitted with that button."""
    parser = _Forms()
    parser.feed(html)
    form = next(form for form in parser.forms if button in form["buttons"])
    fields = [(name, typed.get(name, value)) for name, value in form["fields"]]
    assert set(typed) <= {name for name, _ in fields}, "the page has no such box"
    return MultiDict([*fields, (button, form["buttons"][button])])


def page_form(html: str, url: str) -> MultiDict:
    """What a browser sends when the page's own form (the one that posts back to `url`) is submitted as served, with
    its first button."""
    parser = _Forms()
    parser.feed(html)
    forms = [form for form in parser.forms if form["method"] == "post" and form["action"] in ("", url)]
    assert len(forms) == 1, f"{url} should have one form that posts back to it, not {len(forms)}"
    buttons = [(name, value) for name, value in forms[0]["buttons"].items() if name]
    return MultiDict([*forms[0]["fields"], *buttons[:1]])


def query_form(html: str, action: str, **chosen) -> MultiDict:
    """What a browser sends with the page's GET form to `action` (a search, or a choice carried to the next page):
    its fields as served, with `chosen` set (a list for several boxes ticked)."""
    parser = _Forms()
    parser.feed(html)
    [form] = [form for form in parser.forms if form["method"] == "get" and form["action"] == action]
    data = MultiDict(form["fields"])
    for name, value in chosen.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    return data
