"""One audit allocated to an auditor from another team, for the audit tests."""

from datetime import date, datetime

from app.models import PoolCase, Role, RoundKind, Team
from app.services.audits import rounds as audit_rounds
from app.services.audits.rounds import SelectionCriteria
from app.services.audits.tool import load_tool

NOW = datetime(2021, 3, 10, 9, 0)


def allocated_audit(db, make_person) -> dict:
    """Case C0001 of Safeguarding North (with a team and a service manager), allocated to Ari Auditor of
    Safeguarding South by the QA lead."""
    load_tool(now=NOW)
    north, south = Team(name="Safeguarding North"), Team(name="Safeguarding South")
    team_manager = make_person("Tara Manager", Role.VIEWER)
    service_manager = make_person("Sid Service", Role.VIEWER)
    case = PoolCase(reference="C0001", team=north, team_manager=team_manager, service_manager=service_manager,
                    added_at=NOW)
    db.session.add_all([north, south, case])
    db.session.commit()
    qa_lead = make_person("Quinn QA", Role.QA_LEAD)
    auditor = make_person("Ari Auditor", Role.AUDITOR)
    auditor.team = south
    db.session.commit()
    audit_round = audit_rounds.create_round(kind=RoundKind.ROUTINE, month=date(2021, 3, 1), title="March", theme=None,
                                      criteria=SelectionCriteria(), criteria_text="", sample_size=1, seed=1,
                                      actor=qa_lead, now=NOW)
    audit = audit_rounds.allocate(audit_round, case, auditor, override_reason=None, actor=qa_lead, now=NOW)
    return {"audit": audit, "auditor": auditor, "qa_lead": qa_lead, "team_manager": team_manager,
            "service_manager": service_manager, "north": north, "south": south}
