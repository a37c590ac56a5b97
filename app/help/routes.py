"""Help pages: the user guides, the accessibility statement, the privacy notice and contact details.

The guides need sign-in like every page; the statement, the notice and the contact page can be read before signing
in (they are in `PUBLIC_ENDPOINTS`). `PAGE_HELP` is the one list of which guide section helps with which page.
"""

from flask import abort, has_request_context, render_template, request, send_from_directory, url_for

from app.help import bp
from app.services import help as guides

# page (endpoint) → (guide, section id): shown as "Help with this page" in the footer
PAGE_HELP = {
    "main.my_work": ("owners", "my-work"),
    "plans.milestone": ("owners", "a-milestones-page"),
    "plans.add_update": ("owners", "adding-a-progress-update"),
    "plans.complete": ("owners", "marking-a-milestone-complete"),
    "plans.revise": ("owners", "proposing-a-revised-date"),
    "plans.rating": ("owners", "setting-a-different-rag-rating"),
    "plans.add_evidence": ("owners", "uploading-evidence"),
    "plans.overview": ("programme-managers", "plan-overview"),
    "plans.milestones": ("programme-managers", "finding-milestones"),
    "plans.decide": ("programme-managers", "accepting-or-rejecting-revised-dates"),
    "plans.decide_several": ("programme-managers", "deciding-several-revised-dates-at-once"),
    "plans.change_milestones": ("programme-managers", "changing-several-milestones-at-once"),
    "plans.edit_area": ("programme-managers", "areas"),
    "plans.edit_recommendation": ("programme-managers", "ofsted-recommendations"),
    "plans.edit_improvement_area": ("programme-managers", "areas-for-improvement"),
    "plans.edit_action": ("programme-managers", "actions"),
    "plans.link_findings": ("programme-managers", "linking-ofsted-findings-to-actions"),
    "plans.edit_milestone": ("programme-managers", "milestones"),
    "plans.edit_plan": ("programme-managers", "editing-the-plans-details"),
    "plans.edit_rag_key": ("programme-managers", "editing-the-rag-key"),
    "plans.import_plan": ("programme-managers", "bringing-a-plan-in-from-word"),
    "plans.preview_import": ("programme-managers", "reading-the-preview"),
    "meetings.index": ("programme-managers", "meetings-and-their-deadlines"),
    "meetings.edit": ("programme-managers", "adding-a-meeting"),
    "reports.index": ("programme-managers", "reports-for-boards-and-the-scrutiny-committee"),
    "reports.meeting": ("programme-managers", "preparing-the-report-for-a-meeting"),
    "reports.show": ("programme-managers", "the-checks"),
    "reports.audits": ("qa-leads", "the-monthly-audit-report-to-the-improvement-board"),
    "admin.people": ("programme-managers", "people"),
    "admin.edit_person": ("programme-managers", "people"),
    "admin.hand_over": ("programme-managers", "handing-over-someones-work"),
    "admin.teams": ("programme-managers", "teams"),
    "admin.edit_team": ("programme-managers", "teams"),
    "admin.reminders": ("reminders", "administrators-can-change-the-timings"),
    "admin.security_events": ("programme-managers", "security-events"),
    "admin.person_sessions": ("programme-managers", "security-events"),
    "audits.access_log": ("qa-leads", "who-has-opened-an-audit"),
    "audits.audit_access": ("qa-leads", "who-has-opened-an-audit"),
    "audits.index": ("auditors", "finding-your-audits"),
    "audits.edit": ("auditors", "the-audit-form-section-by-section"),
    "audits.audit": ("auditors", "privacy-who-sees-an-audit"),
    "audits.pool": ("qa-leads", "the-case-pool"),
    "audits.add_case": ("qa-leads", "adding-a-case-by-hand"),
    "audits.case": ("qa-leads", "correcting-or-removing-a-case"),
    "audits.remove_case": ("qa-leads", "correcting-or-removing-a-case"),
    "audits.import_cases": ("qa-leads", "importing-cases-from-csv"),
    "audits.new_round": ("qa-leads", "starting-an-audit-round"),
    "audits.round_page": ("qa-leads", "allocating-cases-to-auditors"),
    "audits.allocate_round": ("qa-leads", "allocating-a-whole-round-at-once"),
    "audits.moderate": ("qa-leads", "recording-a-moderation"),
    "audits.findings_page": ("qa-leads", "audit-findings"),
    "notifications.index": ("reminders", "notifications-in-the-service"),
    "notifications.account": ("reminders", "choosing-how-you-get-e-mails"),
    "auth.change_password": ("owners", "your-password-and-second-factor"),
    "auth.your_sessions": ("owners", "where-you-are-signed-in"),
    "auth.second_factor_page": ("owners", "your-password-and-second-factor"),
    "auth.set_up_second_factor": ("owners", "your-password-and-second-factor"),
}


def guide_url(slug: str) -> str:
    return url_for("help.guide", slug=slug)


def picture_url(name: str) -> str:
    return url_for("help.picture", name=name)


@bp.app_context_processor
def page_help() -> dict:
    """The link to the guide section for the page being shown, if there is one."""
    target = PAGE_HELP.get(request.endpoint or "") if has_request_context() else None  # e-mails: no request
    return {"page_help_url": guide_url(target[0]) + "#" + target[1] if target else None}


@bp.route("/")
def index():
    return render_template("help/index.html", guides=guides.GUIDES.values())


@bp.route("/<slug>")
def guide(slug: str):
    found = guides.guide(slug, guide_url, picture_url)
    if found is None:
        abort(404)
    return render_template("help/guide.html", guide=found)


@bp.route("/pictures/<name>")
def picture(name: str):
    """A picture shown in a guide (a report's first page), from docs/pictures/."""
    return send_from_directory(guides.PICTURES_DIR, name, mimetype="image/png") if name.endswith(".png") else abort(404)


@bp.route("/accessibility")
def accessibility():
    return render_template("help/accessibility.html")


@bp.route("/privacy")
def privacy():
    return render_template("help/privacy.html")


@bp.route("/contact")
def contact():
    return render_template("help/contact.html")
