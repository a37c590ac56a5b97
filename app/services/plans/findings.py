"""Which Ofsted recommendations and Areas for Improvement an action answers: a programme manager's links, checked
against the version the page was opened at and recorded in the action's history."""

from datetime import datetime

from app.models import Action, ImprovementArea, Person, Recommendation
from app.services import history
from app.services.transaction import transaction
from app.services.wording import in_code_order


@transaction("This action")
def link_findings(action: Action, *, recommendations: list[Recommendation], improvement_areas: list[ImprovementArea],
                  version: int | None, actor: Person, now: datetime) -> None:
    """Link the action to exactly these findings (any of its plan's), recording what changed ("R3, R10 → R3")."""
    history.expect_version(action, version, "This action")
    chosen = {"recommendations": in_code_order(recommendations, lambda r: r.code),
              "improvement_areas": in_code_order(improvement_areas, lambda a: a.code)}
    changed = {name: findings for name, findings in chosen.items() if set(findings) != set(getattr(action, name))}
    for name in changed:  # the history says both sides in code order: "R6c, R10 → R6c"
        setattr(action, name, in_code_order(getattr(action, name), lambda finding: finding.code))
    history.change(action, changed, actor=actor, now=now, action_id=action.id)
