"""Which Ofsted findings an import proposes to link to which actions, worked out the same way by the dry run, the
import and the demo load.

A plan lists its recommendations and Areas for Improvement under the area that covers them ("Ofsted
Recommendations covered in this development area"), never under an action. So a finding that no action answers
yet is proposed for every action of its area as the file has them; a finding already linked to an action is left
as a programme manager linked it. Programme managers then narrow the links on each action's edit page.
"""

from dataclasses import dataclass, field

from sqlalchemy import select

from app.extensions import db
from app.models.plans import action_improvement_areas, action_recommendations
from app.services.wording import in_code_order, plural


@dataclass(frozen=True)
class LinkProposal:
    """An area's unanswered findings, proposed for each of its actions."""

    area: str
    findings: list[str]  # codes, in code order (R1, R6c, R10, AfI2)
    actions: list[str]  # action numbers, in code order
    new_improvement_areas: int = 0  # Areas for Improvement new in the file: they have no code until written

    @property
    def sentence(self) -> str:
        found = [*self.findings]
        if self.new_improvement_areas:
            found.append(plural(self.new_improvement_areas, "new Area for Improvement", "new Areas for Improvement"))
        if len(self.actions) == 1:
            return f"{', '.join(found)} → action {self.actions[0]}"
        return f"{', '.join(found)} → each of its {len(self.actions)} actions ({', '.join(self.actions)})"


@dataclass(frozen=True)
class Linked:
    """The findings already answered by some action: left as they are."""

    recommendations: set[int] = field(default_factory=set)
    improvement_areas: set[int] = field(default_factory=set)


def linked() -> Linked:
    return Linked(set(db.session.scalars(select(action_recommendations.c.recommendation_id))),
                  set(db.session.scalars(select(action_improvement_areas.c.improvement_area_id))))


def propose(area: str, findings: list[str], actions: list[str], new_improvement_areas: int = 0) -> LinkProposal | None:
    """The proposal for an area's unanswered findings (codes) and new Areas for Improvement; None when there are no
    findings to link or no actions to link them to."""
    if not actions or not (findings or new_improvement_areas):
        return None
    return LinkProposal(area, in_code_order(findings), in_code_order(actions), new_improvement_areas)


def link_unanswered(area, actions: list, answered: Linked) -> tuple[list, list]:
    """The area's recommendations and Areas for Improvement that no action answers (`answered` as before the
    import), to be linked to each of `actions`."""
    if not actions:
        return [], []
    return ([r for r in area.recommendations if r.id not in answered.recommendations],
            [a for a in area.improvement_areas if a.id not in answered.improvement_areas])
