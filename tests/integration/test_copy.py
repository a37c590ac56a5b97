"""The plan pages read as a busy manager reads them (issue 15, item 11): a rating said once, an import's updates not
signed "by Imported from…", codes in counting order, headings that name things, and role names that fit."""

import re
from datetime import date, datetime

from app.models import DeliveryType, ProgressUpdate, Recommendation, Role
from tests.integration.audit_setting import allocated_audit


def text(html: str) -> str:
    """The page's words, as a screen reader or a reader's eye runs over them."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_suggested_rating_is_said_once(client, login, plan_tree):
    login(plan_tree["owner"])
    words = text(client.get(f"/milestones/{plan_tree['milestone'].id}").get_data(as_text=True))
    assert "Suggested: Amber on track, due 30 September 2020 (in 61 days)" in words
    assert "Amber Amber" not in words


def test_an_imported_update_is_signed_by_its_source_and_a_person_s_by_name(client, login, db, plan_tree):
    milestone = plan_tree["milestone"]
    db.session.add_all([
        ProgressUpdate(milestone=milestone, written_on=date(2020, 6, 30), body="From the plan",
                       signed_as="Imported from the July 2020 plan", created_at=datetime(2020, 7, 1)),
        ProgressUpdate(milestone=milestone, written_on=date(2020, 7, 20), body="Audit tool agreed",
                       author=plan_tree["owner"], signed_as="Olive Owner", created_at=datetime(2020, 7, 20))])
    db.session.commit()
    login(plan_tree["owner"])
    words = text(client.get(f"/actions/{milestone.action_id}").get_data(as_text=True))
    assert "by Olive Owner" in words and "Imported from the July 2020 plan" in words
    assert "by Imported" not in words


def test_no_updates_is_said_outside_the_timeline(client, login, plan_tree):
    login(plan_tree["owner"])
    html = client.get(f"/milestones/{plan_tree['milestone'].id}").get_data(as_text=True)
    assert "No updates yet." in html and "moj-timeline" not in html  # the timeline's line would strike through it


def test_recommendations_are_listed_in_counting_order(client, login, db, plan_tree, make_person):
    area, action = plan_tree["area"], plan_tree["action"]
    recommendations = [Recommendation(plan=plan_tree["plan"], area=area, code=code, text=f"Do {code}")
                       for code in ("R10", "R2", "R1", "R6c")]
    db.session.add_all(recommendations)
    action.recommendations = recommendations
    db.session.commit()
    login(make_person("Pam Manager", Role.PROGRAMME_MANAGER))
    words = text(client.get(f"/actions/{action.id}").get_data(as_text=True))
    assert "Answers recommendations R1 Do R1 R2 Do R2 R6c Do R6c R10 Do R10" in words
    form = client.get(f"/actions/{action.id}/findings").get_data(as_text=True)
    assert [form.index(f"Do {code}") for code in ("R1", "R2", "R6c", "R10")] == \
        sorted(form.index(f"Do {code}") for code in ("R1", "R2", "R6c", "R10"))


def test_adding_an_action_names_the_area(client, login, plan_tree, make_person):
    login(make_person("Pam Manager", Role.PROGRAMME_MANAGER))
    html = client.get(f"/areas/{plan_tree['area'].id}/actions/new").get_data(as_text=True)
    assert '<h1 class="govuk-heading-l">Add an action to 1.0 Management oversight</h1>' in html


def test_an_owner_with_the_viewer_role_is_called_an_action_owner(client, login, plan_tree, make_person):
    make_person("Vic Viewer")
    login(make_person("Ada Admin", Role.ADMIN))
    words = text(client.get("/admin/people").get_data(as_text=True))
    assert "Olive Owner" in words and re.search(r"Olive Owner .*? Action owner Yes", words)
    assert re.search(r"Lee Lead .*? Action owner Yes", words) and re.search(r"Vic Viewer .*? Viewer Yes", words)


def test_a_project_code_written_as_the_how_is_not_said_twice(client, login, db, plan_tree):
    action = plan_tree["action"]
    action.how, action.delivery_type, action.project_code = "LM01", DeliveryType.PROJECT, "LM01"
    db.session.commit()
    login(plan_tree["owner"])
    words = text(client.get(f"/actions/{action.id}").get_data(as_text=True))
    assert "How we do it LM01 (Project) " in words and "project LM01" not in words
    action.how = "A recruitment campaign"
    db.session.commit()
    words = text(client.get(f"/actions/{action.id}").get_data(as_text=True))
    assert "How we do it A recruitment campaign (Project, project code LM01)" in words


def test_a_round_named_with_its_month_is_not_followed_by_the_month_again(client, login, db, make_person):
    setting = allocated_audit(db, make_person)
    audit = setting["audit"]
    audit.round.title = "Routine audit – March 2021"
    db.session.commit()
    login(setting["auditor"])
    words = text(client.get(f"/audits/{audit.id}/edit").get_data(as_text=True))
    assert "Round Routine audit – March 2021 " in words and "March 2021 (March 2021)" not in words
