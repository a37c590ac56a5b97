"""The migrations build exactly the schema the models describe."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db


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
