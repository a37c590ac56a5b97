"""Synthetic case-file audits for the demo: never real children's data, the same every time (fixed seed).

Eight synthetic teams hold a pool of 600 synthetic cases ("CF-10234"), each with a synthetic team manager and
service manager from People. Six monthly routine rounds, January to June 2020 (the six months before the demo
plan's month: run the demo as at 31/07/2020, `AS_OF_DATE=2020-07-31`), each draw 40 cases and allocate them to
ten synthetic auditors, never from their own team. Drawing and allocating cases, choosing audits to moderate
and recording moderations go through the services (audits, moderation), so their rules hold. For speed, what
each auditor wrote (68 answers, element grades, the record, SMART recommendations, learning points, alerts)
and the state changes to submitted (with the history lines audit_rounds.move writes) are bulk-inserted, a month at
a time: the whole demo loads in a few seconds.

Quality varies by audit and improves month by month: the more No answers in an element, the lower its grade,
and the overall grade follows the element grades. About a fifth of each month's submitted audits are moderated,
with about 15% of element grades changed (fewer as the months go by). The demo auditor has two audits in the
June round (one allocated, one in progress) and the demo QA lead has two June audits waiting to be moderated.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import median_low

from sqlalchemy import bindparam, func, insert, select

from app.extensions import db
from app.models import (
    Answer,
    Audit,
    AuditAnswer,
    AuditElementGrade,
    AuditRecord,
    AuditRound,
    AuditState,
    AuditTool,
    ChangeRecord,
    Grade,
    LearningPoint,
    Moderation,
    Person,
    PersonKind,
    PoolCase,
    RecommendationStatus,
    Role,
    RoundKind,
    SafeguardingAlert,
    SmartRecommendation,
    Team,
)
from app.models.audits import GRADE_ORDER
from app.services.audits import moderation
from app.services.audits import rounds as audit_rounds
from app.services.audits import tallies as audit_tallies
from app.services.audits import work as audit_work
from app.services.audits.rounds import SelectionCriteria
from app.services.audits.tool import load_tool
from app.services.audits.work import AuditDraft, ElementEntry

SEED = 20200731
DEMO_DATE = date(2020, 7, 31)  # the demo's "today": the plan's month; recommendations are overdue against it
MONTHS = tuple(date(2020, month, 1) for month in range(1, 7))  # January to June 2020
CASE_COUNT = 600
SAMPLE_SIZE = 40
POOL_ADDED = datetime(2019, 12, 16, 9, 0)
MODERATED_SHARE = 0.2
DEMO_AUDITOR_CASES = 2  # in the latest round: one allocated, one in progress
WAITING_FOR_QA_LEAD = 2  # latest round: chosen for moderation by the demo QA lead, not yet moderated
NOT_DONE = (0, 0, 0, 1, 2, 8)  # audits by the synthetic auditors still open at the demo date, by month

# Team: (plan types and weights, share of the pool, team manager, service manager)
TEAMS = {
    "Assessment and Intervention": ({"Child in Need": 50, "No current Plan": 30, "Child Protection": 10, "Closed": 10},
                                    16, "Rowan Ellery", "Bernadette Sowerby"),
    "Family Support": ({"Child in Need": 60, "No current Plan": 20, "Closed": 20}, 12, "Tobias Wren", "Bernadette Sowerby"),
    "Safeguarding North": ({"Child Protection": 55, "Child in Need": 35, "Closed": 10}, 15, "Priya Mistry-Hale",
                           "Marcus Adeyemi"),
    "Safeguarding South": ({"Child Protection": 55, "Child in Need": 35, "Closed": 10}, 15, "Gareth Lomax", "Marcus Adeyemi"),
    "Children in Care East": ({"Child in Care": 85, "Pathway Plan": 10, "Closed": 5}, 12, "Niamh Corrigan",
                              "Fiona Strachan"),
    "Children in Care West": ({"Child in Care": 85, "Pathway Plan": 10, "Closed": 5}, 12, "Yasmin Qureshi-Bell",
                              "Fiona Strachan"),
    "Leaving Care": ({"Pathway Plan": 85, "Child in Care": 10, "Closed": 5}, 9, "Declan Forde", "Imran Chaudhry"),
    "Disabled Children": ({"Child in Need": 55, "Child in Care": 20, "Child Protection": 15, "Closed": 10}, 9,
                          "Hannah Okafor", "Imran Chaudhry"),
}
AUDITORS = (  # practice supervisors who audit, each in one of the teams above
    ("Ellis Harcourt", "Assessment and Intervention"), ("Sunita Varma", "Family Support"),
    ("Owen Pritchard", "Safeguarding North"), ("Lydia Mbeki", "Safeguarding North"),
    ("Connor Ashworth", "Safeguarding South"), ("Farah Siddiqui", "Children in Care East"),
    ("Beth Kirkland", "Children in Care West"), ("Jonah Feld", "Children in Care West"),
    ("Aoife Brennan", "Leaving Care"), ("Samir Haddad", "Disabled Children"),
)
QA_OFFICER = ("Morgan Tate", "QA & Audit Officer", "QA & Audit")  # moderates alongside the demo QA lead
WORKER_FIRST = ("Abi", "Ben", "Cara", "Dev", "Erin", "Femi", "Gwen", "Hari", "Ines", "Jack", "Kemi", "Liam")
WORKER_LAST = ("Ashby", "Brook", "Carver", "Dunmore", "Eastwood", "Fairley", "Garside", "Holt", "Ibbotson")
IROS = ("Pat Lindqvist (CP Chair)", "Sam Okonjo (IRO)", "Chris Varley (IRO)", "Jo Whitlock (CP Chair)")

ROUNDS = (  # the agreed parameters for each month's random selection
    SelectionCriteria(),
    SelectionCriteria(flags=("neglect",)),
    SelectionCriteria(),
    SelectionCriteria(plan_types=("Child Protection", "Child in Need")),
    SelectionCriteria(flags=("step_up",)),
    SelectionCriteria(),
)
# How often each element's standards are answered No in an average audit (case records and oversight weakest).
NO_RATE = {"5.1": 0.10, "5.2": 0.15, "5.3": 0.17, "5.4": 0.14, "5.5": 0.10, "5.6": 0.12, "5.7": 0.21, "5.8": 0.23,
           "5.9": 0.14}
NOT_APPLICABLE_RATE = 0.03
IMPROVEMENT = (1.3, 1.18, 1.06, 0.96, 0.87, 0.8)  # No answers become less common month by month
CHANGE_RATE = (0.2, 0.18, 0.16, 0.14, 0.12, 0.1)  # and fewer grades are changed in moderation

GENDERS = ("Female", "Male", "Female", "Male", "Non-binary")
ETHNICITIES = (("White British", 50), ("Asian or Asian British – Pakistani", 14), ("Asian or Asian British – Indian", 8),
               ("Black or Black British – Caribbean", 6), ("Black or Black British – African", 5),
               ("Mixed – White and Black Caribbean", 7), ("White – any other White background", 6),
               ("Asian or Asian British – Bangladeshi", 4))
LANGUAGES = (("English", 80), ("Urdu", 6), ("Punjabi", 4), ("Polish", 4), ("Bengali", 3), ("Romanian", 3))
ELEMENT_COMMENTS = {
    Grade.OUTSTANDING: "Consistently strong practice, clearly evidenced on the file.",
    Grade.GOOD: "Practice is good: the file shows what was done and why.",
    Grade.REQUIRES_IMPROVEMENT: "Some practice is good but there are gaps that need attention.",
    Grade.INADEQUATE: "Significant gaps: the file does not show that the child's needs are being met.",
}
SUMMARIES = {
    Grade.OUTSTANDING: "Exemplary work: the child's voice runs through the file and the plan is making a clear difference.",
    Grade.GOOD: "Good work overall. Risks are understood and the plan is progressing; recording could be more timely.",
    Grade.REQUIRES_IMPROVEMENT: "Practice requires improvement: the assessment and plan are not fully up to date and "
                                "management oversight lacks timescales.",
    Grade.INADEQUATE: "Practice is inadequate: risks are not reviewed, the plan has drifted and there is little "
                      "evidence of management oversight.",
}
RECOMMENDATIONS = {  # by the element with the most No answers: (what, how)
    "5.1": ("Risks to the child are reassessed after each new incident",
            "Update the risk assessment and safety plan within 10 working days"),
    "5.2": ("The assessment reflects the child's current circumstances",
            "Complete an updated assessment, including the views of both parents, within 20 working days"),
    "5.3": ("The plan is SMART and reviewed on time", "Rewrite the plan with the family at the next core group, "
                                                      "naming who does what by when"),
    "5.4": ("The child's wishes and feelings shape the plan",
            "Complete direct work with the child and record it in their own words before the next review"),
    "5.5": ("Both parents are engaged in planning", "Invite the father to the next review and record his views"),
    "5.6": ("Partners share information and act on the plan",
            "Hold a professionals' meeting with school and health within four weeks"),
    "5.7": ("Supervision gives clear direction with timescales",
            "Team manager to record a case direction with timescales at the next supervision"),
    "5.8": ("The chronology and case summary are up to date", "Update the chronology and case summary within 15 "
                                                               "working days"),
    "5.9": ("The difference made for the child is evidenced", "Record progress against the plan's outcomes at each visit"),
}
LEARNING_POINTS = (
    "Chronologies are not kept up to date across teams: include them in the case recording training",
    "Case summaries are often missing after a case moves between teams",
    "Fathers are not routinely included in assessments and plans",
    "Direct work with children is done but rarely recorded in the child's own words",
    "Supervision records decisions but seldom the reasons or timescales",
    "Plans are not SMART: actions lack named people and dates",
    "Partner agencies are not always invited to reviews",
    "Information from early help is lost when a case steps up",
)
IMMEDIATE_ACTIONS = (
    "Arrange a visit within 24 hours: the safety plan relies on a relative who has moved away.",
    "Convene a strategy discussion today: new concerns from school have not been acted on.",
    "Review the child's placement this week: the risk assessment is out of date after a missing episode.",
)
MODERATION_REASONS = {
    True: "The evidence on file supports a better grade than given",  # moderated grade is better
    False: "Not all the standards are met on the file: the grade should be lower",
}
OVERALL_REASON = "The overall grade is changed to follow the moderated element grades"


@dataclass(frozen=True)
class AuditDemoResult:
    state: str  # "created", "present" (loaded before) or "skipped" (the database has audit data of its own)
    rounds: int
    cases: int
    audits: int
    completed: int
    moderated: int
    first_month: date = MONTHS[0]
    last_month: date = MONTHS[-1]


def load_audit_demo(*, qa_lead: Person, auditor: Person, now: datetime) -> AuditDemoResult:
    """Create the synthetic audits unless the database already has audit rounds or cases (then nothing changes)."""
    ours = db.session.scalar(select(AuditRound.id).where(AuditRound.title == _round_title(MONTHS[-1])))
    if ours or db.session.scalar(select(AuditRound.id).limit(1)) or db.session.scalar(select(PoolCase.id).limit(1)):
        return summary("present" if ours else "skipped")
    tool, _ = load_tool(now=now)
    session = db.session()
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False  # the services commit often:
    try:  # keep what is loaded (the tool, the round, the people) instead of reloading it after every commit
        _Builder(tool, qa_lead, auditor).build()
    finally:
        session.expire_on_commit = expire_on_commit
    session.expire_all()
    return summary("created")


def summary(state: str) -> AuditDemoResult:
    def count(model, *conditions) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(*conditions))

    return AuditDemoResult(state, count(AuditRound), count(PoolCase), count(Audit),
                           count(Audit, Audit.state.in_([AuditState.SUBMITTED, AuditState.MODERATED, AuditState.CLOSED])),
                           count(Moderation, Moderation.completed_at.is_not(None)))


def _round_title(month: date) -> str:
    return f"Routine audit – {month:%B %Y}"


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


@dataclass
class _Case:
    id: int
    reference: str
    team: str
    team_id: int
    plan_type: str
    flags: dict
    worker: str
    team_manager_id: int
    team_manager: str  # the name
    service_manager_id: int


@dataclass
class _Done:
    """What was written for one audit: enough to moderate it."""

    audit_id: int
    grades: dict  # element id → Grade
    overall: Grade


BULK = (AuditAnswer, AuditElementGrade, AuditRecord, SmartRecommendation, LearningPoint, SafeguardingAlert, ChangeRecord)


class _Builder:
    def __init__(self, tool: AuditTool, qa_lead: Person, demo_auditor: Person):
        self.rng = random.Random(SEED)
        self.tool = tool
        self.elements = [(element.id, element.number, [standard.id for standard in element.standards])
                         for element in tool.elements]
        self.qa_lead, self.demo_auditor = qa_lead, demo_auditor
        self.teams: dict[str, Team] = {}
        self.managers: dict[str, Person] = {}
        self.auditors: list[Person] = []
        self.cases: dict[int, _Case] = {}
        self.standard_weight = {sid: self.rng.uniform(0.4, 1.7) for _, _, sids in self.elements for sid in sids}
        self.rows: dict = {model: [] for model in BULK}
        self.updates: dict[int, dict] = {}

    def build(self) -> None:
        self.people()
        self.pool()
        for index, month in enumerate(MONTHS):
            self.month(index, month)
        audit_tallies.recount_all()  # the audits above were written in bulk, not moved one by one
        db.session.commit()

    # --- Teams, people and the pool ----------------------------------------------------------------

    def people(self) -> None:
        for name in TEAMS:
            self.teams[name] = db.session.scalar(select(Team).where(Team.name == name)) or Team(name=name)
            db.session.add(self.teams[name])
        for team_name, (_, _, team_manager, service_manager) in TEAMS.items():
            self.managers.setdefault(team_manager, self._person(team_manager, f"Team Manager, {team_name}", team_name))
            self.managers.setdefault(service_manager, self._person(service_manager, "Service Manager", None))
        self.auditors = [self._person(name, "Practice Supervisor", team, Role.AUDITOR) for name, team in AUDITORS]
        name, job_title, team = QA_OFFICER
        self.qa_officer = self._person(name, job_title, team, Role.QA_LEAD)
        db.session.commit()

    def _person(self, name: str, job_title: str, team_name: str | None, role: Role = Role.VIEWER) -> Person:
        person = db.session.scalar(select(Person).where(Person.name == name))
        if person is None:
            team = None
            if team_name:
                team = self.teams.get(team_name) or db.session.scalar(select(Team).where(Team.name == team_name))
                team = team or Team(name=team_name)
            email = f"{name.lower().replace(' ', '.').replace('-', '.')}@council.example"
            person = Person(name=name, kind=PersonKind.INDIVIDUAL, email=email, job_title=job_title, team=team, role=role)
            db.session.add(person)
        return person

    def pool(self) -> None:
        rng = self.rng
        names = list(TEAMS)
        team_ids = {name: team.id for name, team in self.teams.items()}
        managers = {name: (person.id, person.name) for name, person in self.managers.items()}
        teams = rng.choices(names, weights=[TEAMS[name][1] for name in names], k=CASE_COUNT)
        references = sorted(rng.sample(range(10_000, 40_000), CASE_COUNT))
        workers = {name: [f"{rng.choice(WORKER_FIRST)} {rng.choice(WORKER_LAST)}" for _ in range(4)] for name in names}
        rows, cases = [], {}
        for number, team_name in zip(references, teams, strict=True):
            plan_types, _, team_manager, service_manager = TEAMS[team_name]
            plan_type = rng.choices(list(plan_types), weights=list(plan_types.values()))[0]
            protection = plan_type == "Child Protection"
            flags = {"closed_recently": plan_type == "Closed",
                     "step_up": rng.random() < (0.3 if team_name in ("Family Support", "Assessment and Intervention")
                                                else 0.06),
                     "neglect": rng.random() < (0.55 if protection else 0.25),
                     "under_two": team_name != "Leaving Care" and plan_type != "Pathway Plan" and rng.random() < 0.12,
                     "domestic_abuse": rng.random() < (0.45 if protection else 0.2)}
            row = {"reference": f"CF-{number}", "team_id": team_ids[team_name],
                   "allocated_worker": rng.choice(workers[team_name]), "team_manager_id": managers[team_manager][0],
                   "service_manager_id": managers[service_manager][0],
                   "plan_type": plan_type, "added_at": POOL_ADDED, **flags}
            rows.append(row)
            cases[row["reference"]] = _Case(0, row["reference"], team_name, team_ids[team_name], plan_type, flags,
                                            row["allocated_worker"], *managers[team_manager], managers[service_manager][0])
        db.session.execute(insert(PoolCase), rows)
        db.session.commit()
        for case_id, reference in db.session.execute(select(PoolCase.id, PoolCase.reference)):
            cases[reference].id = case_id
            self.cases[case_id] = cases[reference]

    # --- One month: draw, allocate, write, submit, moderate -----------------------------------------

    def month(self, index: int, month: date) -> None:
        rng = self.rng
        latest = index == len(MONTHS) - 1
        drawn_at = _at(month + timedelta(days=1), 9)
        criteria = ROUNDS[index]
        team_names = {team.id: name for name, team in self.teams.items()}
        audit_round = audit_rounds.create_round(kind=RoundKind.ROUTINE, month=month, title=_round_title(month), theme=None,
                                          criteria=criteria, criteria_text=criteria.describe(team_names),
                                          sample_size=SAMPLE_SIZE, seed=SEED + index, actor=self.qa_lead, now=drawn_at)
        cases = [self.cases[selection.case_id] for selection in audit_round.selections]
        allocated = self.allocate(audit_round, cases, drawn_at, latest)
        demo = [(audit_id, case) for audit_id, case, auditor in allocated if auditor is self.demo_auditor]
        others = [(audit_id, case, auditor) for audit_id, case, auditor in allocated if auditor is not self.demo_auditor]
        open_ids = [audit_id for audit_id, _, _ in rng.sample(others, NOT_DONE[index])]
        done: list[_Done] = []
        for audit_id, case, auditor in others:
            if audit_id in open_ids[1::2]:
                continue  # not started
            if audit_id in open_ids:
                self.leave_open(audit_id, auditor.id, case, drawn_at)
            else:
                done.append(self.complete(audit_id, auditor.id, case, index, drawn_at))
        self.write()
        if demo:
            self.demo_auditor_work(demo)
        self.moderate(audit_round, index, done, latest)

    def allocate(self, audit_round: AuditRound, cases: list[_Case], at: datetime, latest: bool) -> list:
        """Each case to the auditor with the fewest this round, never from the case's own team."""
        load = {auditor.id: 0 for auditor in self.auditors}
        teams = {auditor.id: auditor.team_id for auditor in self.auditors}
        for_demo = set(range(DEMO_AUDITOR_CASES)) if latest else set()
        allocated = []
        for position, case in enumerate(cases):
            if position in for_demo:
                auditor = self.demo_auditor
            else:
                eligible = [a for a in self.auditors if teams[a.id] != case.team_id]
                fewest = min(load[a.id] for a in eligible)
                auditor = self.rng.choice([a for a in eligible if load[a.id] == fewest])
                load[auditor.id] += 1
            audit = audit_rounds.allocate(audit_round, db.session.get(PoolCase, case.id), auditor, override_reason=None,
                                    actor=self.qa_lead, now=at + timedelta(minutes=5 + position))
            allocated.append((audit.id, case, auditor))
        return allocated

    def leave_open(self, audit_id: int, auditor_id: int, case: _Case, drawn_at: datetime) -> None:
        """An audit started but not finished: the first elements answered."""
        self.move(audit_id, auditor_id, AuditState.IN_PROGRESS, drawn_at + timedelta(days=6, hours=2))
        answers = self.answers(1.0)
        self.rows[AuditAnswer] += [{"audit_id": audit_id, "standard_id": sid, "answer": answer}
                                   for eid, _, _ in self.elements[:3] for sid, answer in answers[eid].items()]
        self.rows[AuditRecord].append(self.record_values(audit_id, case, None, None, {}))

    def complete(self, audit_id: int, auditor_id: int, case: _Case, index: int, drawn_at: datetime) -> _Done:
        """A submitted audit: every standard answered, every element graded, the overall grade in line."""
        rng = self.rng
        started = drawn_at + timedelta(days=rng.randint(2, 9), hours=rng.randint(0, 6))
        completed_on = min(started.date() + timedelta(days=rng.randint(3, 24)), DEMO_DATE - timedelta(days=2))
        submitted = _at(completed_on, 16, rng.randint(0, 59))
        self.move(audit_id, auditor_id, AuditState.IN_PROGRESS, started)
        self.move(audit_id, auditor_id, AuditState.SUBMITTED, submitted, completed_on=completed_on)
        answers = self.answers(IMPROVEMENT[index] * rng.lognormvariate(0, 0.55))
        grades = {eid: self.element_grade(answers[eid]) for eid, _, _ in self.elements}
        overall = self.overall_grade(list(grades.values()))
        immediate = rng.random() < 0.015 or (overall == Grade.INADEQUATE and rng.random() < 0.3)
        actions = rng.choice(IMMEDIATE_ACTIONS) if immediate else ""
        self.rows[AuditAnswer] += [{"audit_id": audit_id, "standard_id": sid, "answer": answer}
                                   for eid, _, _ in self.elements for sid, answer in answers[eid].items()]
        self.rows[AuditElementGrade] += [
            {"audit_id": audit_id, "element_id": eid, "grade": grades[eid],
             "comment": self.comment(grades[eid], number, sids, answers[eid])} for eid, number, sids in self.elements]
        self.rows[AuditRecord].append(self.record_values(audit_id, case, overall, completed_on,
                                                         {"immediate_actions": actions}))
        self.recommendations(audit_id, case, answers, overall, completed_on)
        if rng.random() < 0.3 or overall == Grade.INADEQUATE:
            self.rows[LearningPoint].append({"audit_id": audit_id, "position": 0, "text": rng.choice(LEARNING_POINTS),
                                             "who": "Principal Social Worker",
                                             "due_on": completed_on + timedelta(days=91)})
        if actions:  # raised at once to the case's managers, as saving the draft does
            acknowledged = submitted + timedelta(hours=3) if submitted.date() < MONTHS[-1] else None
            self.rows[SafeguardingAlert] += [
                {"audit_id": audit_id, "recipient_id": manager_id, "actions": actions, "raised_at": submitted,
                 "acknowledged_at": acknowledged} for manager_id in (case.team_manager_id, case.service_manager_id)]
        return _Done(audit_id, grades, overall)

    def move(self, audit_id: int, auditor_id: int, to: AuditState, at: datetime, **values) -> None:
        """A state change as audit_rounds.move makes it (recorded in the history), written in bulk with the rest."""
        update = self.updates.setdefault(audit_id, {"id": audit_id, "version": 1, "completed_on": None,
                                                    "submitted_at": None})
        self.rows[ChangeRecord].append({"entity_type": "audit", "entity_id": audit_id, "action_id": None,
                                        "field": "state", "old_value": update.get("state", AuditState.ALLOCATED).value,
                                        "new_value": to.value, "changed_by_id": auditor_id, "changed_at": at})
        update.update(state=to, version=update["version"] + 1, **values)
        if to == AuditState.SUBMITTED:
            update["submitted_at"] = at

    def write(self) -> None:
        """This month's audits: their state, content and history, in a few bulk statements."""
        table = Audit.__table__
        db.session.execute(table.update().where(table.c.id == bindparam("audit_id")).values(
            state=bindparam("new_state"), version=bindparam("new_version"), completed_on=bindparam("new_completed_on"),
            submitted_at=bindparam("new_submitted_at")),
            [{"audit_id": u["id"], "new_state": u["state"], "new_version": u["version"],
              "new_completed_on": u["completed_on"], "new_submitted_at": u["submitted_at"]} for u in self.updates.values()])
        for model, rows in self.rows.items():
            if rows:
                db.session.execute(insert(model), rows)
        db.session.commit()
        db.session.expire_all()  # the audits changed under the session's feet
        self.rows = {model: [] for model in BULK}
        self.updates = {}

    def answers(self, quality: float) -> dict[int, dict[int, Answer]]:
        """Answers by element and standard: `quality` above 1 means more No answers than usual."""
        result = {}
        for eid, number, sids in self.elements:
            result[eid] = {}
            for sid in sids:
                roll = self.rng.random()
                if roll < NOT_APPLICABLE_RATE:
                    result[eid][sid] = Answer.NOT_APPLICABLE
                else:
                    no = min(0.9, NO_RATE[number] * self.standard_weight[sid] * quality)
                    result[eid][sid] = Answer.NO if self.rng.random() < no else Answer.YES
        return result

    def element_grade(self, answers: dict[int, Answer]) -> Grade:
        """The share of No answers decides the grade, with the auditor's judgement at the edges."""
        answered = [answer for answer in answers.values() if answer != Answer.NOT_APPLICABLE]
        share = sum(answer == Answer.NO for answer in answered) / len(answered) if answered else 0
        roll = self.rng.random()
        if share == 0:
            return Grade.OUTSTANDING if roll < 0.3 else Grade.GOOD
        if share <= 0.2:
            return Grade.REQUIRES_IMPROVEMENT if roll < 0.12 else Grade.GOOD
        if share <= 0.45:
            return Grade.GOOD if roll < 0.1 else Grade.INADEQUATE if roll > 0.92 else Grade.REQUIRES_IMPROVEMENT
        return Grade.REQUIRES_IMPROVEMENT if roll < 0.2 else Grade.INADEQUATE

    def overall_grade(self, grades: list[Grade]) -> Grade:
        """The middle element grade, sometimes one step either way but never out of line with the elements."""
        positions = [GRADE_ORDER.index(grade) for grade in grades]
        chosen = median_low(positions)
        if self.rng.random() < 0.15:
            step = chosen + self.rng.choice((-1, 1))
            if min(positions) <= step <= max(positions):
                chosen = step
        return GRADE_ORDER[chosen]

    def comment(self, grade: Grade, number: str, sids: list[int], answers: dict[int, Answer]) -> str:
        unmet = [f"{number}.{position + 1}" for position, sid in enumerate(sids) if answers[sid] == Answer.NO]
        return ELEMENT_COMMENTS[grade] + (f" Standards not met: {', '.join(unmet)}." if unmet else "")

    def record_values(self, audit_id: int, case: _Case, overall: Grade | None, completed_on: date | None,
                      extra: dict) -> dict:
        rng = self.rng
        plan = case.plan_type
        if case.flags["under_two"]:
            age = rng.randint(0, 1)
        elif plan == "Pathway Plan" or case.team == "Leaving Care":
            age = rng.randint(16, 20)
        else:
            age = rng.randint(2, 17)
        disability = case.team == "Disabled Children" or rng.random() < 0.08
        flags = [label.lower() for flag, label in audit_rounds.CASE_FLAGS.items()
                 if case.flags[flag] and flag != "closed_recently"]
        plan_words = plan if plan.endswith("Plan") else f"{plan} plan"  # "a Pathway Plan", "a Child in Need plan"
        overview = (f"Synthetic demonstration case, not a real child. Open to {case.team}"
                    f"{' under a ' + plan_words if plan not in ('No current Plan', 'Closed') else ''}"
                    f"{'; ' + ', '.join(flags) if flags else ''}.")
        values = {"audit_id": audit_id, "allocated_worker": case.worker, "team_manager": case.team_manager,
                  "service_team": case.team,
                  "cp_chair_iro": rng.choice(IROS) if plan in ("Child Protection", "Child in Care") else "",
                  "child_name": None, "child_date_of_birth": None, "gender": rng.choice(GENDERS), "age": age,
                  "ethnicity": _weighted(rng, ETHNICITIES), "primary_language": _weighted(rng, LANGUAGES),
                  "plan_types": plan, "has_disability": disability,
                  "disability_nature": "Autism spectrum condition" if disability else "",
                  "case_overview": overview, "overall_grade": overall, "summary": "", "good_practice": "", "learning": "",
                  "immediate_actions": "", "worker_reflections": "", "completed_with_worker": None,
                  "sent_to_team_manager_on": None, "sent_to_service_manager_on": None, "sent_to_cp_coordinator_on": None}
        if overall is not None:
            values.update(summary=SUMMARIES[overall], completed_with_worker=rng.random() < 0.8,
                          good_practice="The worker knows the child well and visits are regular and purposeful.",
                          learning="Keep the chronology and case summary up to date after every significant event.",
                          worker_reflections="The worker found the discussion useful and agreed the recommendations.",
                          sent_to_team_manager_on=completed_on + timedelta(days=rng.randint(0, 3)),
                          sent_to_service_manager_on=completed_on + timedelta(days=rng.randint(1, 6)),
                          sent_to_cp_coordinator_on=(completed_on + timedelta(days=rng.randint(1, 6))
                                                     if values["cp_chair_iro"] else None))
        return values | extra

    def recommendations(self, audit_id: int, case: _Case, answers: dict, overall: Grade, completed_on: date) -> None:
        rng = self.rng
        count = {Grade.OUTSTANDING: 0, Grade.GOOD: 1, Grade.REQUIRES_IMPROVEMENT: 2, Grade.INADEQUATE: 3}[overall]
        count += rng.randint(0, 1)
        noes = {number: sum(a == Answer.NO for a in answers[eid].values()) for eid, number, _ in self.elements}
        weakest = sorted(noes, key=lambda number: (-noes[number], rng.random()))[:count]
        rows = []
        for position, number in enumerate(weakest):
            what, how = RECOMMENDATIONS[number]
            due_on = completed_on + timedelta(days=rng.choice((14, 21, 28, 42, 56)))
            status, done_on = RecommendationStatus.OPEN, None
            roll = rng.random()
            if due_on < DEMO_DATE and roll < 0.8:  # most done, about on time; the rest overdue or no longer needed
                status, done_on = RecommendationStatus.DONE, min(due_on + timedelta(days=rng.randint(-10, 5)),
                                                                 DEMO_DATE - timedelta(days=1))
            elif due_on < DEMO_DATE and roll < 0.85:
                status = RecommendationStatus.CANCELLED
            elif rng.random() < 0.15 and completed_on + timedelta(days=7) < DEMO_DATE:
                status, done_on = RecommendationStatus.DONE, completed_on + timedelta(days=7)
            worker = position % 2 == 0
            rows.append({"audit_id": audit_id, "position": position, "what": what, "how": how,
                         "owner_id": None if worker else case.team_manager_id,
                         "who": case.worker + " (allocated worker)" if worker else "", "due_on": due_on,
                         "status": status, "done_on": done_on, "version": 1})
        self.rows[SmartRecommendation] += rows

    # --- The demo auditor's audits and moderation ------------------------------------------------------

    def demo_auditor_work(self, demo: list) -> None:
        """The first stays allocated; the second is in progress, its first three elements done, saved as a draft."""
        audit_id, case = demo[1]
        audit = db.session.get(Audit, audit_id)
        answers = self.answers(1.0)
        draft = AuditDraft(record={"allocated_worker": case.worker, "team_manager": case.team_manager,
                                   "service_team": case.team, "plan_types": case.plan_type})
        for eid, number, sids in self.elements[:3]:
            draft.answers.update(answers[eid])
            grade = self.element_grade(answers[eid])
            draft.elements[eid] = ElementEntry(grade, self.comment(grade, number, sids, answers[eid]))
        audit_work.save_draft(audit, draft, version=audit.version, actor=self.demo_auditor,
                              now=_at(DEMO_DATE - timedelta(days=3), 15, 20), collect_identity=False)

    def moderate(self, audit_round: AuditRound, index: int, done: list[_Done], latest: bool) -> None:
        rng = self.rng
        moderator = self.qa_lead if latest or index % 2 else self.qa_officer
        last_submitted = max(audit.submitted_at for audit in audit_round.audits if audit.submitted_at)
        chosen_at = max(last_submitted, _at(audit_round.month + timedelta(days=32), 10)) + timedelta(hours=1)
        chosen = moderation.choose_sample(audit_round, share=MODERATED_SHARE, audit_ids=None, seed=SEED + 100 + index,
                                          moderator=moderator, actor=self.qa_lead, now=chosen_at)
        by_id = {item.audit_id: item for item in done}
        waiting = WAITING_FOR_QA_LEAD if latest else 0
        for position, item in enumerate(sorted(chosen, key=lambda m: m.audit_id)[waiting:]):
            written = by_id[item.audit_id]
            decisions, changed = {}, False
            for eid, grade in written.grades.items():
                at = GRADE_ORDER.index(grade)
                new = at
                if rng.random() < CHANGE_RATE[index]:
                    new = at + (1 if rng.random() < 0.6 else -1)
                    new = new if 0 <= new < len(GRADE_ORDER) else at - (new - at)
                better = new < at
                decisions[eid] = moderation.ElementDecision(GRADE_ORDER[new], MODERATION_REASONS[better] if new != at else "")
                changed = changed or new != at
            overall = written.overall
            if changed:
                overall = GRADE_ORDER[median_low([GRADE_ORDER.index(d.grade) for d in decisions.values()])]
            moderation.record(item, elements=decisions, overall_grade=overall,
                              overall_reason=OVERALL_REASON if overall != written.overall else "", actor=moderator,
                              now=min(chosen_at + timedelta(days=1 + position % 5, hours=position % 6),
                                      _at(DEMO_DATE, 11, position)))


def _weighted(rng: random.Random, choices: tuple) -> str:
    return rng.choices([value for value, _ in choices], weights=[weight for _, weight in choices])[0]
