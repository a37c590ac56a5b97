"""Schemathesis against the served OpenAPI description, through the WSGI app, with a valid token: no 500s, and
every response matching its schema (status code, content type and body). Examples are bounded to run in seconds."""

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from app.models import Role
from app.services import api_tokens
from tests.conftest import NOW
from tests.integration.test_api_audits import setting  # noqa: F401  (a fixture: a moderated audit to read)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_every_operation_answers_as_described(app, db, plan_tree, setting):  # noqa: F811 (the fixture)
    """Each operation of the served document, with generated parameters (schemathesis's pytest plugin does not yet
    run under pytest 9, so the operations are walked here with Hypothesis directly)."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = {"Authorization": "Bearer " + api_tokens.create("Schemathesis", Role.QA_LEAD, created_by=None,
                                                              now=NOW).token}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 10
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def answers_as_described(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        answers_as_described()
