"""The audit access log as QA leads read it: in total and per audit, with filters; reading it is not an audit view."""

import pytest
from sqlalchemy import func, select

from app.models import AuditAccess, Role
from tests.integration.audit_setting import allocated_audit


@pytest.fixture
def setting(db, make_person):
    return allocated_audit(db, make_person)


def views(db) -> int:
    return db.session.scalar(select(func.count(AuditAccess.id)))


def test_who_has_opened_the_audit_is_reachable_from_it(client, login, setting, db):
    audit = setting["audit"]
    login(setting["auditor"])
    client.get(f"/audits/{audit.id}/edit")
    login(setting["qa_lead"])
    page = client.get(f"/audits/{audit.id}").get_data(as_text=True)
    assert f'href="/audits/{audit.id}/access"' in page
    logged = views(db)
    access = client.get(f"/audits/{audit.id}/access").get_data(as_text=True)
    assert "Ari Auditor" in access and "Opened to edit" in access and "Quinn QA" in access and "Viewed" in access
    assert views(db) == logged  # reading the log is not a view of the audit


def test_the_whole_log_filters_by_person_kind_and_reference(client, login, setting, db):
    audit = setting["audit"]
    login(setting["auditor"])
    client.get(f"/audits/{audit.id}/edit")
    login(setting["qa_lead"])
    client.get(f"/audits/{audit.id}")
    page = client.get("/audits/access-log?person=ari").get_data(as_text=True)
    assert "Ari Auditor" in page and "Quinn QA" not in page.split("<table")[-1]
    assert "Quinn QA" in client.get("/audits/access-log?kind=view").get_data(as_text=True).split("<table")[-1]
    assert "No entries" in client.get("/audits/access-log?reference=C9999").get_data(as_text=True)
    assert "Case C0001" in client.get("/audits/access-log?reference=c0001").get_data(as_text=True)
    flagged = client.get("/audits/access-log?from=32/01/2021").get_data(as_text=True)
    assert 'id="from-error"' in flagged
    assert client.get("/audits/access-log?page=99999999999999").status_code == 200


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR, Role.PROGRAMME_MANAGER, Role.VIEWER])
def test_only_qa_leads_see_the_access_log(client, login, setting, make_person, role):
    login(make_person("Someone Else", role))
    assert client.get("/audits/access-log").status_code == 403
    assert client.get(f"/audits/{setting['audit'].id}/access").status_code == 403
