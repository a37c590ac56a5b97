"""The plans blueprint's routes, one module per subject; importing them registers them.

- pages: the plan overview, an area, an action, a milestone, the plan's download
- updates: what owners do (updates, completion, revised dates, ratings, evidence) and decisions on revised dates
- editing: programme managers keep the plan (details, areas, recommendations, actions, milestones, RAG key)
- imports: bringing a plan in from Word or a spreadsheet
- bulk: changing several milestones at once from the milestone list
"""

from app.plans.routes import bulk, editing, imports, pages, updates  # noqa: F401
