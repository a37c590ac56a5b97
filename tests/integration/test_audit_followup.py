"""After the audit: learning points become plan actions (programme managers), recommendations are closed."""

from datetime import datetime

import pytest
from sqlalchemy import select

from app.models import Action, LearningPoint, RecommendationStatus, Role, SmartRecommendation
from tests.integration.test_permissions import audit_world

NOW = datetime(2021, 3, 31, 9, 0)


@pytest.fixture
def followup(db, plan_tree, make_person):
    people = {role: make_person(f"{role.value} person", role) for role in Role}
    people["owner"] = plan_tree["owner"]
    return people, audit_world(db, people)


def test_programme_manager_turns_a_learning_point_into_an_action(client, login, followup, plan_tree, db):
    people, ids = followup
    login(people[Role.PROGRAMME_MANAGER])
    area = plan_tree["area"]
    clash = client.post(f"/audits/learning-points/{ids['learning_point']}/promote",
                        data={"area_id": area.id, "number": "1.1", "what": "Chronology practice standard"})
    assert "1.1 is already used" in clash.get_data(as_text=True)
    client.post(f"/audits/learning-points/{ids['learning_point']}/promote",
                data={"area_id": area.id, "number": "1.9", "what": "Chronology practice standard"})
    action = db.session.scalar(select(Action).where(Action.number == "1.9"))
    assert action.how == "Arising from a case-file audit"
    assert db.session.get(LearningPoint, ids["learning_point"]).action_id == action.id
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert "A learning point of the March case-file audits" in page and "See the audit" not in page  # not entitled


def test_owner_closes_a_recommendation(client, login, followup, db):
    people, ids = followup
    login(people["owner"])
    assert "Update the plan" in client.get("/my-work").get_data(as_text=True)
    client.post(f"/audits/recommendations/{ids['recommendation_item']}/close", data={"outcome": "done"})
    item = db.session.get(SmartRecommendation, ids["recommendation_item"])
    assert item.status == RecommendationStatus.DONE and item.done_on is not None
    assert "Update the plan" not in client.get("/my-work").get_data(as_text=True)
