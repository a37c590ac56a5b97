"""Ofsted findings linked to the actions answering them: Areas for Improvement coded once and for good, a programme
manager's "Link Ofsted findings" page driven as a browser does, what an import proposes and links, and section 3.3
of the progress report reopened."""

import re
from datetime import date

from sqlalchemy import func, select

from app.models import Area, ChangeRecord, ImprovementArea, Recommendation, Role
from app.services.importers.plan_docx import read_plan
from app.services.importers.plan_import import preview
from app.services.importers.plan_write import import_plan
from app.services.reports import snapshots
from tests.conftest import NOW, TODAY
from tests.integration.report_reading import layout_problems, reopen, rows, table_after
from tests.integration.served_form import page_form
from tests.integration.test_plan_import_preview import FIXTURE
from tests.integration.test_plan_report import COMPLETE, a_meeting


def findings(db, plan_tree, *codes_and_texts):
    """Recommendations (codes starting R) and Areas for Improvement (anything else) in the plan_tree's area."""
    area, made = plan_tree["area"], {}
    for position, code in enumerate(codes_and_texts):
        made[code] = (Recommendation(plan=plan_tree["plan"], area=area, code=code, text=f"Recommendation {code}",
                                     position=position) if code.startswith("R")
                      else ImprovementArea(area=area, text=code, position=position))
    db.session.add_all(made.values())
    db.session.commit()
    return made


def test_areas_for_improvement_are_coded_across_the_plan_in_plan_order_and_never_renumbered(db, plan_tree):
    second = Area(plan=plan_tree["plan"], number="2.0", title="Placements", position=1)
    db.session.add(second)
    first_area = [ImprovementArea(area=plan_tree["area"], text=f"First {n}", position=n) for n in range(2)]
    later_area = ImprovementArea(area=second, text="Second area", position=0)
    db.session.add_all([later_area, *first_area])  # added out of order: numbered in plan order
    db.session.commit()
    assert [a.code for a in (*first_area, later_area)] == ["AfI1", "AfI2", "AfI3"]
    db.session.delete(first_area[0])
    added = ImprovementArea(area=plan_tree["area"], text="Added later", position=5)
    db.session.add(added)
    db.session.commit()
    assert (first_area[1].code, later_area.code, added.code) == ("AfI2", "AfI3", "AfI4")


def test_a_programme_manager_links_findings_on_the_actions_page_as_a_browser_does(client, login, db, plan_tree,
                                                                                   make_person):
    manager = make_person("Pat Manager", Role.PROGRAMME_MANAGER)
    made = findings(db, plan_tree, "R10", "R3", "R1", "Supervision is not regular")
    action = plan_tree["action"]
    login(manager)
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert f'href="/actions/{action.id}/findings"' in page and "Link Ofsted findings" in page

    url = f"/actions/{action.id}/findings"
    html = client.get(url).get_data(as_text=True)
    labels = re.findall(r'<label class="govuk-label govuk-checkboxes__label" for="[^"]+">\s*([^<]*?)\s*</label>', html)
    assert [label.split(" ")[0] for label in labels] == ["R1", "R3", "R10", "AfI1"], "codes in counting order"
    assert labels[3] == "AfI1 (area 1.0): Supervision is not regular"
    form = page_form(html, url)
    for name, finding in (("recommendations", made["R10"]), ("recommendations", made["R3"]),
                          ("improvement_areas", made["Supervision is not regular"])):
        assert f'name="{name}" type="checkbox" value="{finding.id}"' in html
        form.add(name, str(finding.id))  # ticked
    answer = client.post(url, data=form, follow_redirects=True)
    assert "The Ofsted findings action 1.1 answers are saved" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert [r.code for r in action.recommendations] == ["R10", "R3"] and [a.code for a in action.improvement_areas] == [
        "AfI1"]
    said = {record.field: (record.old_value, record.new_value) for record in db.session.scalars(
        select(ChangeRecord).where(ChangeRecord.entity_type == "action", ChangeRecord.entity_id == action.id))}
    assert said["recommendations"] == ("", "R3, R10") and said["improvement_areas"] == ("", "AfI1")

    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get(f"/actions/{action.id}").get_data(as_text=True)))
    assert "Answers recommendations R3 Recommendation R3 R10 Recommendation R10" in page
    assert "Answers Areas for Improvement AfI1 Supervision is not regular" in page

    stale = page_form(client.get(url).get_data(as_text=True), url)  # opened, then someone else saves
    unticked = page_form(client.get(url).get_data(as_text=True), url)
    unticked.poplist("recommendations"), unticked.poplist("improvement_areas")
    client.post(url, data=unticked)
    refused = client.post(url, data=stale).get_data(as_text=True)
    assert "This action was changed by someone else while you were editing it" in refused
    db.session.expire_all()
    assert action.recommendations == [] and action.improvement_areas == []


def test_an_owner_cannot_open_or_post_the_linking_page(client, login, db, plan_tree):
    made = findings(db, plan_tree, "R1")
    login(plan_tree["owner"])
    url = f"/actions/{plan_tree['action'].id}/findings"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"recommendations": str(made["R1"].id)}).status_code in (400, 403)
    db.session.expire_all()
    assert plan_tree["action"].recommendations == []


def test_an_import_proposes_each_areas_unanswered_findings_for_its_actions_and_links_them_on_confirm(db,
                                                                                                      make_person):
    manager = make_person("Pat Manager", Role.PROGRAMME_MANAGER)
    proposed = preview(read_plan(FIXTURE))
    first = proposed.links[0]
    assert first.area == "1.0" and first.findings == ["R6c", "R10"] and first.new_improvement_areas == 6
    assert first.sentence.startswith("R6c, R10, 6 new Areas for Improvement → each of its 16 actions (1.1, 1.2, 1.3,")
    assert first.sentence.endswith(", 1.9, 1.10, 1.11, 1.12, 1.13, 1.14, 1.15, 1.16)")
    import_plan(read_plan(FIXTURE), same_people=set(), actor=manager, now=NOW, source_name="the July plan")
    area = db.session.scalar(select(Area).where(Area.number == "1.0"))
    action = area.actions[0]
    assert sorted(r.code for r in action.recommendations) == ["R10", "R6c"]
    assert [a.code for a in action.improvement_areas] == [f"AfI{n}" for n in range(1, 7)]
    all_codes = db.session.scalars(select(ImprovementArea.code).order_by(ImprovementArea.id)).all()
    assert all_codes == [f"AfI{n}" for n in range(1, 36)]

    action.recommendations = action.recommendations[:1]  # a programme manager narrowed this one
    db.session.commit()
    again = preview(read_plan(FIXTURE))
    assert again.links == [], "every finding is answered now, the narrowed one left as it is"
    import_plan(read_plan(FIXTURE), same_people=set(), actor=manager, now=NOW, source_name="the July plan")
    assert db.session.scalar(select(func.count()).select_from(ImprovementArea)) == 35  # area 4.0's AfI with no text too
    assert len(action.recommendations) == 1  # the programme manager's narrowing stands


def test_report_section_3_3_reopened(db, plan_tree):
    made = findings(db, plan_tree, "R10", "R2", "R1", "Supervision is not regular", "Plans lack timescales")
    meeting = a_meeting(db, date(2020, 9, 15))

    def section(report) -> tuple[list[str], object]:
        word = reopen(snapshots.document_of(report))
        texts = [p.text for p in word.paragraphs]
        start = texts.index("3.3 Ofsted recommendations and Areas for Improvement")
        end = texts.index("3.4 RAG ratings over the last reports")
        return texts[start + 1:end], word

    nothing, word = section(snapshots.generate_plan_report(plan_tree["plan"], meeting, COMPLETE, actor=None, now=NOW,
                                                           today=TODAY))
    assert nothing == ["No action has been linked yet to any of the 3 Ofsted recommendations or 2 Areas for "
                       "Improvement. Appendix A lists them under the area that covers them."]
    assert layout_problems(word) == []

    plan_tree["action"].recommendations = [made["R10"], made["R1"]]
    plan_tree["action"].improvement_areas = [made["Plans lack timescales"]]
    db.session.commit()
    some, word = section(snapshots.generate_plan_report(plan_tree["plan"], meeting, COMPLETE, actor=None, now=NOW,
                                                        today=TODAY))
    assert some == ["Recommendations", "3 in all: 2 answered by linked actions, 1 with no action linked (gaps).",
                    "Gaps, no action linked yet: R2 (area 1.0).",
                    "Areas for Improvement", "2 in all: 1 answered by linked actions, 1 with no action linked (gaps).",
                    "Gaps, no action linked yet: AfI1 (area 1.0)."]
    linked = rows(table_after(word, "Recommendations"))
    assert [row[0] for row in linked] == ["Ofsted finding", "R1", "R10"]
    assert linked[1][2:] == ["1.1 (Amber)", "Amber"]
    assert rows(table_after(word, "Areas for Improvement"))[1][:1] == ["AfI2"]
    appendix = rows(table_after(word, "Ofsted recommendations covered by 1.0"))
    assert [row[0] for row in appendix] == ["Code", "R1", "R2", "R10"]
    assert [row[2] for row in appendix[1:]] == ["1.1", "None linked yet", "1.1"]
    assert rows(table_after(word, "Areas for Improvement covered by 1.0"))[0] == [
        "Code", "Area for Improvement", "Identified by Ofsted", "Answered by"]
    assert layout_problems(word) == []
