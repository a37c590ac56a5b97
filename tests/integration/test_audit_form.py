"""The audit form through the browser's eyes: every standard shown, drafts that keep everything typed (even next
to an impossible date), resuming, submission checks, who may see and write an audit, and a query count that does
not grow with the answers."""

import json
import re
import time
from datetime import date

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from app.models import Answer, AuditAccess, AuditState, Grade, Role, SafeguardingAlert
from app.services.audits import work as audit_work
from app.services.audits.tool import TOOL_FILE
from app.services.audits.work import AuditDraft, ElementEntry
from tests.integration.audit_setting import NOW, allocated_audit


@pytest.fixture
def setting(db, make_person):
    values = allocated_audit(db, make_person)
    values["other_auditor"] = make_person("Oli Other", Role.AUDITOR)
    values["other_auditor"].team = values["north"]
    db.session.commit()
    return values


def form_url(setting) -> str:
    return f"/audits/{setting['audit'].id}/edit"


def view_url(setting) -> str:
    return f"/audits/{setting['audit'].id}"


def standards(audit):
    return [standard for element in audit.tool.elements for standard in element.standards]


def partial_post(audit, **extra) -> dict:
    """What a browser sends for a half-done audit, with the Save draft button."""
    first = audit.tool.elements[0]
    data = {
        "version": str(audit.version),
        "completed_on": ["", "", ""],
        "allocated_worker": "Sam Worker",
        "gender": "Female",
        "age": "7",
        "child_name": "Synthetic Child",
        "plan_types": ["Child in Need", "Child Protection"],
        "has_disability": "no",
        "household_0_relationship_to_child": "Mother",
        "household_0_age": "34",
        "case_overview": "Referred by school after repeated absence",
        f"standard_{first.standards[0].id}": "yes",
        f"standard_{first.standards[1].id}": "not_applicable",
        f"grade_{first.id}": "good",
        f"comment_{first.id}": "Risks identified early",
        "summary": "Half written summary",
        "rec_0_what": "Update the chronology",
        "rec_0_who": "Social worker",
        "rec_0_when": ["9", "4", "2021"],
        "learning_0_what": "Chronologies are often out of date",
        "learning_0_how": "Brief every team on keeping the chronology current",
        "learning_0_who": "Principal Social Worker",
        "learning_0_when": ["30", "4", "2021"],
        "sent_to_team_manager_on": ["1", "3", "2021"],
        "share_0_name": "Pat Reviewer",
        "share_0_role": "Independent Reviewing Officer",
        "share_0_when": ["2", "3", "2021"],
        "save_draft": "Save draft",
    }
    data.update(extra)
    return data


def complete_post(audit) -> dict:
    data = partial_post(audit, completed_on=["9", "3", "2021"], overall_grade="good", completed_with_worker="yes")
    del data["save_draft"]
    data["submit_audit"] = "Submit audit"
    for standard in standards(audit):
        data[f"standard_{standard.id}"] = "yes"
    for element in audit.tool.elements:
        data[f"grade_{element.id}"] = "good"
    return data


def field_value(html: str, name: str) -> str | None:
    match = re.search(rf'<(?:input|textarea)[^>]*name="{re.escape(name)}"[^>]*?(?:value="([^"]*)"[^>]*)?>([^<]*)',
                      html)
    if match is None:
        return None
    return match.group(1) if match.group(1) is not None else match.group(2).strip()


def checked(html: str, name: str) -> list[str]:
    return re.findall(rf'<input class="govuk-(?:radios|checkboxes)__input"[^>]*name="{re.escape(name)}"[^>]*'
                      rf'value="([^"]*)" checked', html)


# --- The form shows the whole tool ------------------------------------------------------------------


def test_the_auditor_sees_every_element_and_all_68_standards(client, login, setting):
    login(setting["auditor"])
    response = client.get(form_url(setting))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    definition = json.loads(TOOL_FILE.read_text(encoding="utf-8"))
    texts = [text for element in definition["elements"] for text in element["standards"]]
    assert len(texts) == 68
    for text in texts:
        assert str(escape(text)) in html, text
    for element in definition["elements"]:
        assert f"{element['number']} {escape(element['title'])}" in html
        assert str(escape(element["comment_prompt"])) in html
    for label in [*definition["overall"]["reasons_fields"], *definition["sharing"],
                  *definition["sections"][2]["plan_type"]["options"]]:
        assert str(escape(label)) in html, label
    assert html.count('type="radio" value="not_applicable"') == 68
    assert "C0001" in html and 'name="child_name"' in html


def test_the_view_redirects_the_auditor_to_the_form_while_it_can_be_changed(client, login, setting):
    login(setting["auditor"])
    response = client.get(view_url(setting))
    assert response.status_code == 302 and response.location.endswith(form_url(setting))


# --- Drafts keep everything typed -------------------------------------------------------------------


def test_saving_a_partial_draft_keeps_it_and_starts_the_audit(client, login, setting, db):
    audit = setting["audit"]
    login(setting["auditor"])
    response = client.post(form_url(setting), data=partial_post(audit))
    assert response.status_code == 302 and response.location.endswith(form_url(setting))
    db.session.expire_all()
    assert audit.state == AuditState.IN_PROGRESS
    assert audit.record.allocated_worker == "Sam Worker" and audit.record.age == 7
    assert audit.record.plan_types == "Child in Need|Child Protection" and audit.record.has_disability is False
    assert sorted(answer.answer for answer in audit.answers) == [Answer.NOT_APPLICABLE, Answer.YES]
    assert [(p.relationship_to_child, p.age) for p in audit.parties] == [("Mother", 34)]
    assert [(r.what, r.who, r.due_on) for r in audit.recommendations] == [
        ("Update the chronology", "Social worker", date(2021, 4, 9))]
    assert [(p.text, p.how, p.who, p.due_on) for p in audit.learning_points] == [
        ("Chronologies are often out of date", "Brief every team on keeping the chronology current",
         "Principal Social Worker", date(2021, 4, 30))]
    assert audit.record.sent_to_team_manager_on == date(2021, 3, 1)
    assert [(s.name, s.role, s.shared_on) for s in audit.shared_with] == [
        ("Pat Reviewer", "Independent Reviewing Officer", date(2021, 3, 2))]
    html = client.get(response.location).get_data(as_text=True)
    assert "Draft saved" in html


def test_resuming_shows_the_saved_values(client, login, setting):
    audit = setting["audit"]
    first = audit.tool.elements[0]
    login(setting["auditor"])
    client.post(form_url(setting), data=partial_post(audit))
    html = client.get(form_url(setting)).get_data(as_text=True)
    assert field_value(html, "allocated_worker") == "Sam Worker"
    assert field_value(html, "age") == "7"
    assert field_value(html, "household_0_relationship_to_child") == "Mother"
    assert field_value(html, "case_overview") == "Referred by school after repeated absence"
    assert field_value(html, f"comment_{first.id}") == "Risks identified early"
    assert field_value(html, "rec_0_what") == "Update the chronology"
    assert field_value(html, "learning_0_what") == "Chronologies are often out of date"
    assert field_value(html, "learning_0_who") == "Principal Social Worker"
    assert field_value(html, "share_0_role") == "Independent Reviewing Officer"
    assert re.search(r'id="share_0_when-day" name="share_0_when" type="text" value="02"', html)
    assert checked(html, f"standard_{first.standards[0].id}") == ["yes"]
    assert checked(html, f"standard_{first.standards[1].id}") == ["not_applicable"]
    assert checked(html, f"standard_{first.standards[2].id}") == []
    assert checked(html, f"grade_{first.id}") == ["good"]
    assert checked(html, "plan_types") == ["Child in Need", "Child Protection"]
    assert re.search(r'id="rec_0_when-day" name="rec_0_when" type="text" value="09"', html)
    assert f'name="version" type="hidden" value="{audit.version}"' in html


def test_boxes_cleared_in_the_form_are_cleared_in_the_audit(client, login, setting, db):
    audit = setting["audit"]
    login(setting["auditor"])
    client.post(form_url(setting), data=partial_post(audit))
    db.session.expire_all()
    cleared = {**partial_post(audit), "version": str(audit.version), "allocated_worker": "", "age": ""}
    del cleared["plan_types"]  # a browser sends nothing for a group of unticked boxes
    assert client.post(form_url(setting), data=cleared).status_code == 302
    db.session.expire_all()
    assert (audit.record.plan_types, audit.record.allocated_worker, audit.record.age) == ("", "", None)


def test_an_impossible_date_is_shown_next_to_its_field_and_nothing_typed_is_lost(client, login, setting, db):
    audit = setting["audit"]
    first = audit.tool.elements[0]
    login(setting["auditor"])
    response = client.post(form_url(setting), data=partial_post(audit, completed_on=["31", "9", "2021"]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    message = "Date audit completed: 31/9/2021 is not a calendar date: September 2021 has 30 days"
    error = re.search(r'<p id="completed_on-error" class="govuk-error-message">(.*?)</p>', html, re.S)
    assert error and message in error.group(1)
    assert f'<a href="#completed_on-day">{message}</a>' in html  # the error summary links to the day box
    assert re.search(r'id="completed_on-day" name="completed_on" type="text" value="31"', html)
    assert field_value(html, "allocated_worker") == "Sam Worker"
    assert field_value(html, "case_overview") == "Referred by school after repeated absence"
    assert field_value(html, "household_0_age") == "34"
    assert field_value(html, "rec_0_what") == "Update the chronology"
    assert checked(html, f"standard_{first.standards[1].id}") == ["not_applicable"]
    assert checked(html, "plan_types") == ["Child in Need", "Child Protection"]
    db.session.expire_all()
    assert audit.state == AuditState.ALLOCATED and audit.record is None  # nothing saved until the date is right


def test_an_impossible_sharing_date_is_flagged_and_the_other_party_kept(client, login, setting, db):
    login(setting["auditor"])
    html = client.post(form_url(setting), data=partial_post(setting["audit"], share_0_when=["30", "2", "2021"])
                       ).get_data(as_text=True)
    message = "When (other party 1): 30/2/2021 is not a calendar date: February 2021 has 28 days"
    assert f'<a href="#share_0_when-day">{message}</a>' in html
    assert re.search(r'<p id="share_0_when-error" class="govuk-error-message">.*?' + re.escape(message), html, re.S)
    assert field_value(html, "share_0_name") == "Pat Reviewer"
    assert re.search(r'id="share_0_when-day" name="share_0_when" type="text" value="30"', html)
    db.session.expire_all()
    assert setting["audit"].shared_with == []


def test_a_number_that_is_not_a_number_is_an_error_and_kept(client, login, setting):
    login(setting["auditor"])
    html = client.post(form_url(setting), data=partial_post(setting["audit"], household_0_age="thirty")
                       ).get_data(as_text=True)
    assert "Age of household member 1 must be a whole number, like 7" in html
    assert '<a href="#household_0_age">' in html
    assert field_value(html, "household_0_age") == "thirty"


def test_immediate_actions_alert_the_managers(client, login, setting, db):
    login(setting["auditor"])
    response = client.post(form_url(setting), data=partial_post(setting["audit"],
                                                                immediate_actions="Strategy discussion today"),
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert ("Immediate safeguarding actions recorded. Tara Manager (team manager) and Sid Service (service manager) "
            "will be e-mailed within a minute") in html
    assert html.count('data-module="govuk-notification-banner"') == 1, "one banner: the save and the alerts together"
    assert "Draft saved. Immediate safeguarding actions recorded." in html
    assert len(db.session.scalars(select(SafeguardingAlert)).all()) == 2


def test_the_overall_grade_warning_shows_when_grades_are_out_of_line(client, login, setting):
    audit = setting["audit"]
    login(setting["auditor"])
    data = complete_post(audit)
    data["overall_grade"] = "outstanding"
    data["save_draft"] = "Save draft"
    del data["submit_audit"]
    client.post(form_url(setting), data=data)
    html = client.get(form_url(setting)).get_data(as_text=True)
    assert "govuk-warning-text" in html and "better than every element" in html


def test_a_stale_copy_of_the_form_is_refused_and_keeps_what_was_typed(client, login, setting):
    audit = setting["audit"]
    login(setting["auditor"])
    stale = partial_post(audit)
    client.post(form_url(setting), data=partial_post(audit))
    response = client.post(form_url(setting), data={**stale, "allocated_worker": "Someone else"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "changed by someone else" in html
    assert field_value(html, "allocated_worker") == "Someone else"
    assert f'name="version" type="hidden" value="{audit.version}"' in html  # saving again is a deliberate choice


# --- Submitting -------------------------------------------------------------------------------------


def test_submitting_an_incomplete_audit_lists_what_is_missing_and_keeps_input(client, login, setting, db):
    audit = setting["audit"]
    login(setting["auditor"])
    data = partial_post(audit, learning_1_how="Discuss at the practice forum")  # a learning point with no What
    del data["save_draft"]
    data["submit_audit"] = "Submit audit"
    response = client.post(form_url(setting), data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    first, last = audit.tool.elements[0], audit.tool.elements[-1]
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S).group(0)
    assert '<a href="#completed_on-day">Enter the date the audit was completed</a>' in summary
    assert (f'<a href="#standard_{first.standards[2].id}">Answer every key standard in 5.1 (10 not answered)</a>'
            in summary)
    assert f'<a href="#grade_{last.id}">Grade element 5.9</a>' in summary
    assert '<a href="#overall_grade">Choose the overall grade</a>' in summary
    assert "Say whether the audit was completed alongside the social worker" in summary
    assert '<a href="#learning_1_what">Say what learning point 2 is</a>' in summary
    assert f'<p id="grade_{last.id}-error" class="govuk-error-message">' in html  # and next to the field
    assert "Draft saved" in html  # what was typed is saved, not only shown
    assert field_value(html, "case_overview") == "Referred by school after repeated absence"
    db.session.expire_all()
    assert audit.state == AuditState.IN_PROGRESS
    assert f'name="version" type="hidden" value="{audit.version}"' in html
    response = client.post(form_url(setting), data={**partial_post(audit), "version": str(audit.version)})
    assert response.status_code == 302, "the form after a refused submission can be saved again"


def test_a_complete_audit_is_submitted_and_then_read_only(client, login, setting, db):
    audit = setting["audit"]
    login(setting["auditor"])
    response = client.post(form_url(setting), data=complete_post(audit))
    assert response.status_code == 302 and response.location.endswith(view_url(setting))
    db.session.expire_all()
    assert audit.state == AuditState.SUBMITTED and audit.completed_on == date(2021, 3, 9)
    html = client.get(view_url(setting)).get_data(as_text=True)
    assert "Audit submitted" in html and ">Submitted</strong>" in html
    assert re.search(r'>Submitted</strong> <span class="govuk-body-s">on \d\d/\d\d/\d{4} \d\d:\d\d</span>', html), \
        "the state is said once: Submitted on <date>, not Submitted Submitted <date>"
    assert "Sam Worker" in html and "Update the chronology" in html
    assert "Brief every team on keeping the chronology current" in html and "30/04/2021" in html
    assert "Pat Reviewer" in html and "Independent Reviewing Officer" in html
    response = client.get(form_url(setting))
    assert response.status_code == 302 and response.location.endswith(view_url(setting))
    assert "can no longer be changed" in client.get(response.location).get_data(as_text=True)


# --- Who may see and write an audit ----------------------------------------------------------------


def test_another_teams_auditor_gets_403_on_view_and_edit(client, login, setting, db):
    login(setting["other_auditor"])
    assert client.get(view_url(setting)).status_code == 403
    assert client.get(form_url(setting)).status_code == 403
    assert client.post(form_url(setting), data=partial_post(setting["audit"])).status_code == 403
    assert db.session.scalars(select(AuditAccess)).all() == []
    assert setting["audit"].record is None


def test_a_qa_lead_can_view_but_not_edit(client, login, setting):
    audit = setting["audit"]
    audit_work.save_draft(audit, AuditDraft(record={"case_overview": "Seen by QA"}), version=audit.version,
                          actor=setting["auditor"], now=NOW, collect_identity=True)
    login(setting["qa_lead"])
    response = client.get(view_url(setting))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Seen by QA" in html and ">In progress</strong>" in html
    assert client.get(form_url(setting)).status_code == 403
    assert client.post(form_url(setting), data=partial_post(audit)).status_code == 403


def test_the_cases_managers_can_view_but_an_administrator_cannot(client, login, setting, make_person, db):
    for person in (setting["team_manager"], setting["service_manager"]):
        login(person)
        assert client.get(view_url(setting)).status_code == 200
    login(make_person("Ada Admin", Role.ADMIN))  # least privilege: an administrator as such sees no audit contents
    assert client.get(view_url(setting)).status_code == 403
    assert client.get(view_url(setting) + "/audit.docx").status_code == 403
    assert db.session.scalar(select(func.count(AuditAccess.id)).where(AuditAccess.kind == "view")) == 2


def test_each_view_is_logged(client, login, setting, db):
    login(setting["qa_lead"])
    client.get(view_url(setting))
    client.get(view_url(setting))
    login(setting["auditor"])
    client.get(form_url(setting))
    log = db.session.scalars(select(AuditAccess).order_by(AuditAccess.id)).all()
    assert [(entry.person.name, entry.kind) for entry in log] == [
        ("Quinn QA", "view"), ("Quinn QA", "view"), ("Ari Auditor", "edit")]


def test_the_view_shows_what_was_recorded(client, login, setting):
    audit = setting["audit"]
    tool = audit.tool
    draft = AuditDraft(record={"overall_grade": Grade.OUTSTANDING, "summary": "Strong practice",
                               "child_name": "Synthetic Child"},
                       answers={tool.elements[0].standards[0].id: Answer.NO,
                                tool.elements[0].standards[1].id: Answer.NOT_APPLICABLE},
                       elements={element.id: ElementEntry(Grade.GOOD, f"Comment {element.number}")
                                 for element in tool.elements})
    audit_work.save_draft(audit, draft, version=audit.version, actor=setting["auditor"], now=NOW,
                          collect_identity=True)
    login(setting["qa_lead"])
    html = client.get(view_url(setting)).get_data(as_text=True)
    assert "Strong practice" in html and "Comment 5.9" in html and "Synthetic Child" in html
    assert "Not applicable" in html and "Not answered" in html
    assert "better than every element" in html  # the overall-grade warning
    assert "March (March 2021)" in html and "version 1" in html


# --- The child's identity can be switched off -------------------------------------------------------


def test_child_name_and_date_of_birth_are_absent_when_switched_off(app, client, login, setting, db):
    audit = setting["audit"]
    audit_work.save_draft(audit, AuditDraft(record={"child_name": "Synthetic Child"}), version=audit.version,
                          actor=setting["auditor"], now=NOW, collect_identity=True)
    app.config["AUDIT_COLLECT_CHILD_IDENTITY"] = False
    login(setting["auditor"])
    html = client.get(form_url(setting)).get_data(as_text=True)
    assert 'name="child_name"' not in html and 'name="child_date_of_birth"' not in html
    assert "Full Name" not in html and "Synthetic Child" not in html
    client.post(form_url(setting), data={**partial_post(audit), "version": str(audit.version),
                                         "child_name": "Posted anyway"})
    db.session.expire_all()
    assert audit.record.child_name == "Synthetic Child"  # a posted name is ignored, not stored
    login(setting["qa_lead"])
    html = client.get(view_url(setting)).get_data(as_text=True)
    assert "Synthetic Child" not in html and "Full Name" not in html and "DOB" not in html


# --- Speed ------------------------------------------------------------------------------------------


def test_the_form_query_count_does_not_grow_with_the_answers(client, login, setting, db, count_queries):
    audit = setting["audit"]
    login(setting["auditor"])

    def opened():
        db.session.expire_all()  # as a new request's session would be: nothing already loaded
        with count_queries() as counter:
            started = time.perf_counter()
            response = client.get(form_url(setting))
            elapsed = time.perf_counter() - started
        assert response.status_code == 200
        return counter.count, elapsed

    opened()  # warm up (templates compiled)
    empty, _ = opened()
    client.post(form_url(setting), data={**complete_post(audit), "save_draft": "Save draft", "submit_audit": ""})
    db.session.expire_all()
    assert len(audit.answers) == 68 and len(audit.element_grades) == 9
    full, elapsed = opened()
    assert full == empty, (empty, full)
    assert full <= 20
    assert elapsed < 0.5  # generous for slow test machines; about 45 ms on a developer's machine


# --- The form's fast field macros give GOV.UK Frontend's own markup -------------------------------------


def normalised(html: str) -> str:
    html = re.sub(r"\s+", " ", str(html))
    return re.sub(r"\s*(<|>)\s*", r"\1", html).strip()


def test_the_fast_field_macros_match_the_govuk_frontend_macros(app, setting):
    from flask import render_template_string
    from werkzeug.datastructures import MultiDict

    from app.audits.forms.audit import audit_form_class

    audit = setting["audit"]
    element = audit.tool.elements[0]
    standard = element.standards[0]
    form_class = audit_form_class(json.loads(audit.tool.definition), audit.tool.elements, collect_identity=True)
    posted = MultiDict([("completed_on", "31"), ("completed_on", "9"), ("completed_on", "2021"), ("age", "x"),
                        (f"standard_{standard.id}", "no"), ("plan_types", "Closed"), ("case_overview", "a <b>"),
                        ("rec_0_owner", "7"), ("allocated_worker", "Sam")])

    def legend(field, classes="govuk-fieldset__legend--s"):
        return {"legend": {"text": field.label.text, "classes": classes}}

    def label(field):
        return {"text": field.label.text, "classes": "govuk-label--s"}

    def box(field, **params):
        return {"id": field.id, "name": field.name, "value": field._value(), "label": label(field), **params}

    with app.test_request_context(method="POST"):
        form = form_class(formdata=posted)
        form.set_people([(7, "Ann Owner"), (8, "Bo Owner")])
        form.validate()
        form.add_error(f"grade_{element.id}", "Grade element 5.1")
        form.add_error("case_overview", "Too long")
        grade, answer, plans = form.grade(element), form.standard(standard), form.plan_types
        age, comment, owner = form.age, form.comment(element), form.rec_0_owner
        cases = {  # name: (our macro call, the official macro and its parameters, the field)
            "radios with an error": ("gov.radios(f, 'govuk-radios--small', 'govuk-fieldset__legend--m')", "govukRadios", {
                "name": grade.name, "classes": "govuk-radios--small", "errorMessage": {"text": grade.errors[0]},
                "fieldset": legend(grade, "govuk-fieldset__legend--m"),
                "items": [{"value": v, "text": t} for v, t in grade.choices]}, grade),
            "radios, one checked": ("gov.radios(f, 'govuk-radios--inline')", "govukRadios", {
                "name": answer.name, "classes": "govuk-radios--inline", "fieldset": legend(answer),
                "items": [{"value": v, "text": t, "checked": v == answer.data} for v, t in answer.choices]}, answer),
            "checkboxes with a hint": ("gov.checkboxes(f, 'govuk-checkboxes--small')", "govukCheckboxes", {
                "name": plans.name, "classes": "govuk-checkboxes--small", "hint": {"text": plans.description},
                "fieldset": legend(plans),
                "items": [{"value": v, "text": t, "checked": v in plans.data} for v, t in plans.choices]}, plans),
            "text input": ("gov.input(f, 'govuk-!-width-two-thirds')", "govukInput",
                           box(form.allocated_worker, classes="govuk-!-width-two-thirds"), form.allocated_worker),
            "number input with a hint and an error": ("gov.input(f, 'govuk-input--width-3')", "govukInput", box(
                age, classes="govuk-input--width-3", hint={"text": age.description},
                errorMessage={"text": age.errors[0]}, attributes=age.render_kw), age),
            "textarea with an error": ("gov.textarea(f, 8)", "govukTextarea", box(
                form.case_overview, rows=8, errorMessage={"text": "Too long"}), form.case_overview),
            "textarea with a hint": ("gov.textarea(f, 5)", "govukTextarea", box(
                comment, rows=5, hint={"text": comment.description}), comment),
            "select": ("gov.select(f)", "govukSelect", {
                "id": owner.id, "name": owner.name, "label": label(owner), "hint": {"text": owner.description},
                "items": [{"value": v, "text": t, "selected": s} for v, t, s, _ in owner.iter_choices()]}, owner),
            "date with an impossible value": ("gov.date(f)", None, None, form.completed_on),
            "empty date": ("gov.date(f)", None, None, form.sent_to_team_manager_on),
        }
        imports = "".join(f'{{% from "govuk_frontend_jinja/components/{path}/macro.html" import {name} %}}'
                          for path, name in [("radios", "govukRadios"), ("checkboxes", "govukCheckboxes"),
                                             ("input", "govukInput"), ("textarea", "govukTextarea"),
                                             ("select", "govukSelect")])
        imports += '{% import "audits/_audit_fields.html" as gov %}'
        for case, (ours, official, params, field) in cases.items():
            assert bool(field.errors) == ("error" in case or "impossible" in case), case
            mine = render_template_string(imports + "{{ " + ours + " }}", f=field)
            if official:
                theirs = render_template_string(imports + "{{ " + official + "(p) }}", p=params)
            else:  # govuk-frontend-wtf's date widget, told to use the field's name as the group's id
                theirs = field(params={"id": field.name, "fieldset": legend(field)})
            assert normalised(mine) == normalised(theirs), case
