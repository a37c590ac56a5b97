"""Administrators' pages, the users command, programme managers editing the plan, and configuration."""

import pytest
from sqlalchemy import select

from app import create_app
from app.models import Action, Area, DueKind, Milestone, Person, PersonKind, Role
from tests.integration.served_form import page_form


@pytest.fixture
def admin_client(client, login, make_person):
    login(make_person("Ada Admin", Role.ADMIN))
    return client


def test_admin_adds_a_placeholder_that_cannot_sign_in(admin_client, db):
    assert 'type="password"' not in admin_client.get("/admin/people/new").get_data(as_text=True)  # set-up links
    admin_client.post("/admin/people/new", data={"name": "Programme Lead to be identified", "kind": "placeholder",
                                                 "team_id": "0", "role": "viewer"})
    person = db.session.scalar(select(Person).where(Person.name == "Programme Lead to be identified"))
    assert person.kind == PersonKind.PLACEHOLDER and not person.is_active


def test_admin_creates_a_person_who_chooses_their_own_password(admin_client, db, client):
    admin_client.post("/admin/teams/new", data={"name": "Practice Improvement"})
    admin_client.post("/admin/people/new", data={
        "name": "Nadia Newstarter", "kind": "individual", "email": "Nadia@Council.example", "team_id": "1",
        "role": "auditor", "active": "y"})
    person = db.session.scalar(select(Person).where(Person.name == "Nadia Newstarter"))
    assert person.email == "nadia@council.example" and person.team.name == "Practice Improvement"
    assert person.password_hash is None  # until they use the set-up link e-mailed to them (test_password_links.py)
    duplicate = admin_client.post("/admin/people/new", data={"name": "nadia newstarter", "kind": "individual",
                                                              "team_id": "0", "role": "viewer"})
    assert "already in People" in duplicate.get_data(as_text=True)


def test_wrong_password_is_refused_without_saying_which_part(client, make_person):
    person = make_person("Wendy Wrong")
    response = client.post("/login", data={"email": person.email, "password": "not-it"})
    assert "The email address or password is not right" in response.get_data(as_text=True)


def test_users_create_command(app, db):
    result = app.test_cli_runner().invoke(args=["users", "create", "--name", "Carl Cli", "--email", "carl@x.example",
                                                "--role", "programme_manager", "--password", "long-enough-pw"])
    assert result.exit_code == 0, result.output
    person = db.session.scalar(select(Person).where(Person.email == "carl@x.example"))
    assert person.role == Role.PROGRAMME_MANAGER and person.check_password("long-enough-pw")


def test_programme_manager_builds_the_plan(client, login, make_person, plan_tree, db):
    login(make_person("Pat Manager", Role.PROGRAMME_MANAGER))
    client.post("/areas/new", data={"number": "6.0", "title": "Care leavers", "summary": "Better outcomes"})
    area = db.session.scalar(select(Area).where(Area.number == "6.0"))
    client.post(f"/areas/{area.id}/recommendations/new", data={"code": "R11", "text": "Improve pathway plans"})
    client.post(f"/areas/{area.id}/actions/new", data={"number": "6.1", "what": "Pathway plan audit",
                                                       "delivery_type": "service_action"})
    action = db.session.scalar(select(Action).where(Action.number == "6.1"))
    linking = f"/actions/{action.id}/findings"
    form = page_form(client.get(linking).get_data(as_text=True), linking)
    form.add("recommendations", str(area.recommendations[0].id))  # ticked
    client.post(linking, data=form)
    assert [r.code for r in action.recommendations] == ["R11"]
    response = client.post(f"/actions/{action.id}/milestones/new", data={
        "deliverable": "Audit 20 plans", "responsible_id": str(plan_tree["owner"].id), "leads": "Nobody Known",
        "due_kind": "date", "due_date": ["30", "11", "2020"]})
    assert "No one called Nobody Known is in People" in response.get_data(as_text=True)
    assert "Audit 20 plans" in response.get_data(as_text=True)
    client.post(f"/actions/{action.id}/milestones/new", data={
        "deliverable": "Audit 20 plans", "responsible_id": str(plan_tree["owner"].id), "leads": "lee lead",
        "due_kind": "date", "due_date": ["30", "11", "2020"]})
    milestone = db.session.scalar(select(Milestone).where(Milestone.action_id == action.id))
    assert (milestone.due_kind, milestone.leads[0].name) == (DueKind.DATE, "Lee Lead")
    duplicate = client.post(f"/areas/{area.id}/actions/new", data={"number": "6.1", "what": "Again",
                                                                   "delivery_type": "project"})
    assert "6.1 is already used: choose another" in duplicate.get_data(as_text=True)


def test_rag_key_is_editable_and_synonyms_must_be_unambiguous(client, login, make_person, plan_tree):
    login(make_person("Pat Manager", Role.PROGRAMME_MANAGER))
    form = {f"{part}-{entry.rating.value}": getattr(entry, part) for entry in plan_tree["plan"].rag_key
            for part in ("label", "definition", "synonyms")}
    clash = client.post("/plan/rag-key", data={**form, "synonyms-GREEN": "Yellow"})
    assert clash.status_code == 400 and "Each word may mean only one rating: yellow" in clash.get_data(as_text=True)
    client.post("/plan/rag-key", data={**form, "definition-RED": "Slipped or failed"})
    assert plan_tree["plan"].rag_key[0].definition == "Slipped or failed"


def test_production_refuses_to_start_without_secret_and_database(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY, DATABASE_URL"):
        create_app("production")


def test_production_cookies_are_secure(monkeypatch):
    monkeypatch.delenv("AS_OF_DATE", raising=False)  # production refuses a fixed date
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"]


def test_demo_data_is_refused_in_production(app):
    app.config["ENVIRONMENT"] = "production"
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code != 0 and "Refusing to load demo data" in result.output


def test_users_create_refuses_a_group_name(app, make_person):
    make_person("Heads of Service", kind=PersonKind.GROUP, login=False)
    result = app.test_cli_runner().invoke(args=["users", "create", "--name", "Heads of Service", "--email", "h@x.example",
                                                "--password", "long-enough-pw"])
    assert result.exit_code != 0 and "is a group or role in People" in result.output


def test_programme_manager_records_areas_for_improvement_with_every_month(client, login, make_person, plan_tree):
    from datetime import date

    login(make_person("Pat Manager", Role.PROGRAMME_MANAGER))
    area = plan_tree["area"]
    bad = client.post(f"/areas/{area.id}/improvement-areas/new",
                      data={"text": "Supervision must be reflective", "identified": "September 2018\nJunly 2019"})
    html = bad.get_data(as_text=True)
    assert "Line 2: “Junly 2019” is not a month" in html and "Supervision must be reflective" in html
    client.post(f"/areas/{area.id}/improvement-areas/new",
                data={"text": "Supervision must be reflective", "identified": "June 2019\nSeptember 2018\n06/2019"})
    [afi] = area.improvement_areas
    assert [i.identified_in for i in afi.identifications] == [date(2018, 9, 1), date(2019, 6, 1)]
    client.post(f"/improvement-areas/{afi.id}/edit", data={"text": "Supervision must be reflective",
                                                           "identified": "September 2018\nFebruary 2020",
                                                           "version": afi.version})
    assert [str(i) for i in afi.identifications] == ["September 2018", "February 2020"]
    page = client.get(f"/areas/{area.id}").get_data(as_text=True)
    assert "When Ofsted identified it changed from September 2018, June 2019 to September 2018, February 2020" in page


def test_plan_details_are_editable_and_their_history_shown(client, login, make_person, plan_tree):
    login(make_person("Pat Manager", Role.PROGRAMME_MANAGER))
    plan = plan_tree["plan"]
    client.post("/plan/edit", data={"title": "Children's Services Improvement Plan", "revision": "Revised Sept 2020",
                                    "version": plan.version})
    assert plan.revision == "Revised Sept 2020"
    page = client.get("/plan/rag-key").get_data(as_text=True)
    assert "Revision changed from Revised April 2020 to Revised Sept 2020" in page


def test_administrators_changes_to_people_are_recorded(admin_client, db, make_person):
    person = make_person("Rita Role")
    admin_client.post(f"/admin/people/{person.id}/edit", data={
        "name": "Rita Role", "kind": "individual", "email": person.email, "team_id": "0", "role": "qa_lead",
        "active": "y"})
    page = admin_client.get(f"/admin/people/{person.id}/edit").get_data(as_text=True)
    assert "Role changed from Action owner or viewer to QA lead" in page


def test_rag_key_edits_from_a_stale_page_are_refused(client, login, make_person, plan_tree, db):
    login(make_person("Pat Manager", Role.PROGRAMME_MANAGER))
    key = plan_tree["plan"].rag_key
    form = {f"{part}-{entry.rating.value}": getattr(entry, part) for entry in key
            for part in ("label", "definition", "synonyms", "version")}
    key[0].definition = "Changed by a colleague"
    db.session.commit()
    response = client.post("/plan/rag-key", data={**form, "definition-RED": "Mine"})
    assert response.status_code == 400 and "changed by someone else" in response.get_data(as_text=True)
    assert "Mine" in response.get_data(as_text=True) and key[0].definition == "Changed by a colleague"


def test_stale_person_edit_is_refused_and_signing_in_does_not_count_as_an_edit(app, admin_client, db, make_person):
    person = make_person("Vera Version")
    version = person.version
    form = {"name": "Vera Version", "kind": "individual", "email": person.email, "team_id": "0", "role": "auditor",
            "active": "y", "version": version}
    app.test_client().post("/login", data={"email": person.email, "password": "correct-horse-battery"})
    db.session.expire_all()
    assert person.last_login_at is not None and person.version == version
    person.job_title = "Changed meanwhile"
    db.session.commit()
    response = admin_client.post(f"/admin/people/{person.id}/edit", data=form)
    assert "changed by someone else" in response.get_data(as_text=True) and person.role == Role.VIEWER


def test_changing_only_the_leads_still_refuses_a_stale_form(client, login, make_person, plan_tree, db):
    login(make_person("Pat Manager", Role.PROGRAMME_MANAGER))
    milestone = plan_tree["milestone"]
    form = {"deliverable": milestone.deliverable, "responsible_id": str(plan_tree["owner"].id), "version": milestone.version}
    client.post(f"/milestones/{milestone.id}/edit", data={**form, "leads": "Olive Owner"})
    assert [lead.name for lead in milestone.leads] == ["Olive Owner"]
    stale = client.post(f"/milestones/{milestone.id}/edit", data={**form, "leads": "Lee Lead"})
    assert "changed by someone else" in stale.get_data(as_text=True)
    assert [lead.name for lead in milestone.leads] == ["Olive Owner"]


def test_blank_months_are_refused(client, login, make_person, plan_tree):
    login(make_person("Pat Manager", Role.PROGRAMME_MANAGER))
    response = client.post(f"/areas/{plan_tree['area'].id}/improvement-areas/new", data={"text": "X", "identified": "  \n "})
    assert "Enter at least one month Ofsted identified it" in response.get_data(as_text=True)


def test_users_create_finds_people_by_email_then_name_whatever_the_case(app, db, make_person):
    existing = make_person("Mo Match", login=False)
    result = app.test_cli_runner().invoke(args=["users", "create", "--name", "mo match", "--email", "mo@x.example",
                                                "--password", "long-enough-pw"])
    assert result.exit_code == 0, result.output
    assert existing.email == "mo@x.example" and existing.check_password("long-enough-pw") and existing.name == "Mo Match"
    from app.models import ChangeRecord

    fields = db.session.scalars(select(ChangeRecord.field).where(ChangeRecord.entity_id == existing.id,
                                                                 ChangeRecord.entity_type == "person")).all()
    assert "password" in fields and "email" in fields


def test_milestone_form_reports_unknown_leads_with_other_problems(client, login, make_person, plan_tree):
    login(make_person("Pat Manager", Role.PROGRAMME_MANAGER))
    response = client.post(f"/actions/{plan_tree['action'].id}/milestones/new", data={
        "deliverable": "", "responsible_id": "0", "leads": "Nobody Known", "due_kind": "tbd", "due_reason": ""})
    html = response.get_data(as_text=True)
    for message in ("Enter the milestone or deliverable", "No one called Nobody Known is in People",
                    "Say why the date is to be decided"):
        assert message in html


def test_administrators_pages_are_one_admin_entry_in_the_header_with_their_own_links(admin_client):
    """Nine header links wrapped at 1280 px: People, Teams and Reminders are one 'Admin' entry (decision 0010)."""
    page = admin_client.get("/admin/teams").get_data(as_text=True)
    header = page.split("</header>")[0]
    assert 'href="/admin/people"' in header and ">Admin<" in header.replace("\n", "").replace(" ", "")
    assert "/admin/teams" not in header and "/admin/reminders" not in header
    sub_navigation = page.split('aria-label="Admin"')[1].split("</nav>")[0]
    assert [label for label in ("People", "Teams", "Reminders") if label in sub_navigation] == \
        ["People", "Teams", "Reminders"]
    assert 'aria-current="page" href="/admin/teams"' in sub_navigation
    assert 'aria-label="Admin"' not in admin_client.get("/my-work").get_data(as_text=True)
