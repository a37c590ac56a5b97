"""The migrations build exactly the schema the models describe."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db
from app.models import Action, Milestone, ProgressUpdate


@pytest.fixture
def empty_app(tmp_path, monkeypatch):
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'migrations.sqlite'}"
    monkeypatch.setenv("TEST_DATABASE_URL", url)
    app = create_app("testing")
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        yield app
        db.session.remove()
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def test_upgrade_from_empty_matches_the_models(empty_app):
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_downgrade_to_empty_and_back(empty_app):
    upgrade()
    downgrade(revision="base")
    upgrade()


def test_text_already_stored_from_an_imported_plan_is_cleaned_as_new_imports_are(empty_app):
    upgrade(revision="5b1c0e7d2a94")  # before the text was cleaned where it is read
    with db.engine.begin() as connection:  # as SQL: the tables as they were at that revision
        run = connection.exec_driver_sql
        run("INSERT INTO people (id, name, kind, email, role, active, email_preference, version) "
            "VALUES (1, 'Olive Owner', 'individual', 'olive.owner@test.example', 'viewer', true, 'each', 1)")
        run("INSERT INTO plans (id, title, version) VALUES (1, 'Plan', 1)")
        run("INSERT INTO areas (id, plan_id, number, title, summary, position, version) "
            "VALUES (1, 1, '1.0', 'Oversight', '', 0, 1)")
        run("INSERT INTO actions (id, area_id, number, what, how, delivery_type, position, version) "
            "VALUES (1, 1, '1.1', '<p>Improve supervision</p>', '', 'not_stated', 0, 1)")
        run("INSERT INTO milestones (id, action_id, position, deliverable, status, due_kind, due_raw, due_note, version) "
            "VALUES (1, 1, 0, 'Audit', 'not_started', 'tbd', '<p>Phase 1 30/09/20</p> <p>Phase 2 30/10/20</p>', '', 1)")
        run("INSERT INTO progress_updates (id, milestone_id, written_on, signed_as, author_id, body, created_at) VALUES "
            "(1, 1, '2020-07-20', 'Imported', NULL, 'Update 20 July 2020\n• Panel met', '2020-07-31 00:00:00'), "
            "(2, 1, '2020-07-20', 'Olive Owner', 1, 'Update 20 July 2020\nAs I wrote it', '2020-07-31 00:00:00')")
    upgrade()
    milestone, action = db.session.get(Milestone, 1), db.session.get(Action, 1)
    imported, typed = db.session.get(ProgressUpdate, 1), db.session.get(ProgressUpdate, 2)
    assert (milestone.due_raw, action.what) == ("Phase 1 30/09/20\nPhase 2 30/10/20", "Improve supervision")
    assert imported.body == "• Panel met"  # the date is shown beside it, once
    assert typed.body == "Update 20 July 2020\nAs I wrote it"  # what a person signed is theirs


def test_areas_for_improvement_already_stored_get_codes_in_plan_order(empty_app):
    upgrade(revision="5b1c0e7d2a94")
    with db.engine.begin() as connection:
        run = connection.exec_driver_sql
        run("INSERT INTO plans (id, title, version) VALUES (1, 'Plan', 1), (2, 'Other plan', 1)")
        run("INSERT INTO areas (id, plan_id, number, title, summary, position, version) VALUES "
            "(1, 1, '2.0', 'Second', '', 1, 1), (2, 1, '1.0', 'First', '', 0, 1), (3, 2, '1.0', 'Other', '', 0, 1)")
        run("INSERT INTO improvement_areas (id, area_id, text, position, version) VALUES "
            "(1, 1, 'In the second area', 0, 1), (2, 2, 'First area, second', 1, 1), "
            "(3, 2, 'First area, first', 0, 1), (4, 3, 'Other plan', 0, 1)")
    upgrade()
    with db.engine.connect() as connection:
        codes = dict(connection.exec_driver_sql("SELECT id, code FROM improvement_areas").all())
    assert codes == {3: "AfI1", 2: "AfI2", 1: "AfI3", 4: "AfI1"}
