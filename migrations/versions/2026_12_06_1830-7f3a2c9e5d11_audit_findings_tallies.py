"""Running totals for the rest of the audit findings (audits allocated and completed, moderation changes, open
recommendations, learning themes), counted from the audits already there

Revision ID: 7f3a2c9e5d11
Revises: 5c1e9a7d3f20
Create Date: 2026-12-07 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "7f3a2c9e5d11"
down_revision = "5c1e9a7d3f20"
branch_labels = None
depends_on = None

# The same counts as app.services.audits.tallies.recount_all, written out so that this step never changes.
DONE = "a.state IN ('submitted', 'moderated', 'closed')"
COUNTS = [
    """INSERT INTO audit_count_tallies (round_id, team_id, allocated, completed)
       SELECT a.round_id, c.team_id, COUNT(*), SUM(CASE WHEN """ + DONE + """ THEN 1 ELSE 0 END)
       FROM audits a JOIN pool_cases c ON a.case_id = c.id GROUP BY a.round_id, c.team_id""",
    *[f"""INSERT INTO audit_moderation_tallies (round_id, team_id, {column}, changed, moderated)
          SELECT a.round_id, c.team_id, {source}, SUM(CASE WHEN g.grade != g.original_grade THEN 1 ELSE 0 END),
                 COUNT(*)
          FROM moderation_grades g JOIN moderations m ON g.moderation_id = m.id JOIN audits a ON m.audit_id = a.id
          JOIN pool_cases c ON a.case_id = c.id
          WHERE {DONE} GROUP BY a.round_id, c.team_id, {source}"""
      for column, source in (("element_id", "g.element_id"), ("auditor_id", "a.auditor_id"))],
    f"""INSERT INTO audit_recommendation_tallies (round_id, team_id, due_on, open)
        SELECT a.round_id, c.team_id, r.due_on, COUNT(*)
        FROM smart_recommendations r JOIN audits a ON r.audit_id = a.id JOIN pool_cases c ON a.case_id = c.id
        WHERE {DONE} AND r.status = 'open' GROUP BY a.round_id, c.team_id, r.due_on""",
    f"""INSERT INTO audit_learning_tallies (round_id, team_id, theme, text, audits, open_point_id, action_id)
        SELECT a.round_id, c.team_id, LOWER(TRIM(p.text)), MIN(TRIM(p.text)), COUNT(DISTINCT p.audit_id),
               MAX(CASE WHEN p.action_id IS NULL THEN p.id END), MAX(p.action_id)
        FROM learning_points p JOIN audits a ON p.audit_id = a.id JOIN pool_cases c ON a.case_id = c.id
        WHERE {DONE} AND LOWER(TRIM(p.text)) != '' GROUP BY a.round_id, c.team_id, LOWER(TRIM(p.text))""",
]


def _bucket(table: str, *columns, with_id: bool = True):
    op.create_table(
        table,
        *([sa.Column("id", sa.Integer(), nullable=False)] if with_id else []),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(["round_id"], ["audit_rounds.id"], name=op.f(f"fk_{table}_round_id_audit_rounds")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f(f"fk_{table}_team_id_teams")),
        sa.PrimaryKeyConstraint(*(["id"] if with_id else ["round_id", "team_id"]), name=op.f(f"pk_{table}")),
    )
    if with_id:
        op.create_index(f"ix_{table}_round_team", table, ["round_id", "team_id"])


def upgrade():
    _bucket("audit_count_tallies", sa.Column("allocated", sa.Integer(), nullable=False),
            sa.Column("completed", sa.Integer(), nullable=False), with_id=False)
    _bucket("audit_moderation_tallies",
            sa.Column("element_id", sa.Integer(), nullable=True), sa.Column("auditor_id", sa.Integer(), nullable=True),
            sa.Column("changed", sa.Integer(), nullable=False), sa.Column("moderated", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(["element_id"], ["audit_elements.id"],
                                    name=op.f("fk_audit_moderation_tallies_element_id_audit_elements")),
            sa.ForeignKeyConstraint(["auditor_id"], ["people.id"],
                                    name=op.f("fk_audit_moderation_tallies_auditor_id_people")))
    _bucket("audit_recommendation_tallies", sa.Column("due_on", sa.Date(), nullable=True),
            sa.Column("open", sa.Integer(), nullable=False))
    _bucket("audit_learning_tallies", sa.Column("theme", sa.Text(), nullable=False),
            sa.Column("text", sa.Text(), nullable=False), sa.Column("audits", sa.Integer(), nullable=False),
            sa.Column("open_point_id", sa.Integer(), nullable=True), sa.Column("action_id", sa.Integer(), nullable=True))
    for statement in COUNTS:
        op.execute(statement)


def downgrade():
    for table in ("audit_learning_tallies", "audit_recommendation_tallies", "audit_moderation_tallies",
                  "audit_count_tallies"):
        op.drop_table(table)
