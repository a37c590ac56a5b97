"""The reports list a page at a time: only the reports a person may read (the rule in SQL agrees with the rule in
Python), searched and sorted, in the same number of queries however many reports there are."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.models import Meeting, MeetingKind, Plan, Report, ReportKind, ReportState, Role
from app.services import permissions

NOW = datetime(2021, 3, 1, 9, 0)


def add_reports(db, plan: Plan, count: int, start: int = 0) -> list[Report]:
    """Plan and audit reports in every state, each for its own meeting or month (one released report per occasion)."""
    reports = []
    for n in range(start, start + count):
        kind = ReportKind.PLAN_PROGRESS if n % 2 == 0 else ReportKind.AUDIT_MONTHLY
        state = list(ReportState)[n % 3]
        meeting = Meeting(kind=MeetingKind.BOARD, title=f"Improvement Board {n:03d}", held_on=date(2020, 1, 1)
                          + timedelta(days=n), update_deadline=date(2020, 1, 1), report_deadline=date(2020, 1, 1))
        reports.append(Report(
            kind=kind, title=f"{'Plan' if kind == ReportKind.PLAN_PROGRESS else 'Audit'} report {n:03d}",
            plan=plan if kind == ReportKind.PLAN_PROGRESS else None,
            meeting=meeting if kind == ReportKind.PLAN_PROGRESS else None,
            month=date(2000 + n // 12, n % 12 + 1, 1) if kind == ReportKind.AUDIT_MONTHLY else None,
            as_at=NOW.date(), details={}, data={}, document=b"docx", document_sha256="0" * 64, problems=[],
            generated_at=NOW + timedelta(hours=n), state=state,
            released_at=None if state == ReportState.DRAFT else NOW))
    db.session.add_all(reports)
    db.session.commit()
    return reports


@pytest.fixture
def reports(db):
    plan = Plan(title="Improvement plan")
    db.session.add(plan)
    db.session.commit()
    return {"plan": plan, "reports": add_reports(db, plan, 60)}


def page(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("role", list(Role))
def test_the_list_holds_exactly_the_reports_the_person_may_read(db, reports, make_person, role):
    person = make_person(f"{role.value} person", role)
    listed = set(db.session.scalars(select(Report.id).where(permissions.readable_reports_sql(person))))
    assert listed == {report.id for report in reports["reports"] if permissions.may_read_report(person, report)}


def test_a_viewer_pages_through_released_reports_newest_first(client, login, make_person, reports, db):
    login(make_person("Vera Viewer"))
    readable = [r for r in reports["reports"] if r.state != ReportState.DRAFT]
    shown = page(client.get("/reports"))
    assert f"{len(readable)} reports." in shown  # 40: one page
    titles = [report.title for report in sorted(readable, key=lambda report: report.generated_at, reverse=True)]
    assert sorted(titles, key=shown.index) == titles
    assert "Draft" not in shown and "Prepare a report" not in shown
    add_reports(db, reports["plan"], 60, start=60)
    second = page(client.get("/reports?page=2"))
    assert "Showing 51 to 80 of 80 reports" in second and "Report 000" not in second


def test_a_programme_manager_searches_and_sorts_the_reports(client, login, make_person, reports):
    login(make_person("Pat Manager", Role.PROGRAMME_MANAGER))
    found = page(client.get("/reports?q=board 004"))
    assert "1 report matching “board 004”" in found and "Plan report 004" in found
    by_title = page(client.get("/reports?sort=title&order=ascending"))
    assert 'aria-sort="ascending"' in by_title
    assert by_title.index("Audit report 001") < by_title.index("Plan report 000")
    assert "Prepare a report" in by_title


def test_query_count_does_not_grow_with_the_reports(client, login, make_person, reports, db, count_queries):
    login(make_person("Pat Manager", Role.PROGRAMME_MANAGER))

    def queries() -> int:
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get("/reports?sort=for").status_code == 200
        return counter.count

    # The signed-in person is sometimes read twice (Flask-Login reloading them), whatever the list: the fewer of two.
    small = min(queries(), queries())
    add_reports(db, reports["plan"], 120, start=60)
    assert min(queries(), queries()) == small
