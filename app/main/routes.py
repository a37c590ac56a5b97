from datetime import timedelta

from flask import abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from app import metrics
from app.clock import as_of_now, window
from app.main import bp
from app.services import health as health_service
from app.services import my_work as work_service
from app.services import permissions
from app.services.reports import update_pack
from app.services.reports.document import CONTENT_TYPE as DOCX
from app.services.wording import plural
from app.web import download


@bp.route("/health")
def health():
    """Liveness: the process answers. Reads nothing, the database included (decision 0013)."""
    return jsonify(status="ok")


@bp.route("/health/ready")
def ready():
    """Readiness: the database answers, its schema is current, and the scheduler ran lately. 503 when any fails."""
    config = current_app.config
    within = timedelta(minutes=config["SCHEDULER_SEEN_MINUTES"]) if config["SCHEDULER_EXPECTED"] else None
    readiness = health_service.readiness(as_of_now(), scheduler_within=within)
    return jsonify(readiness.as_json()), 200 if readiness.ready else 503


@bp.route("/metrics")
def metrics_page():
    """Prometheus metrics, for a bearer of METRICS_TOKEN; not there at all (404) when no token is set."""
    token = current_app.config["METRICS_TOKEN"]
    if not token:
        abort(404)
    if not metrics.bearer_matches(request.headers.get("Authorization", ""), token):
        return "A metrics token is needed\n", 401, {"WWW-Authenticate": 'Bearer realm="metrics"'}
    body, content_type = metrics.exposition(lambda: health_service.outbox_and_scheduler(as_of_now()))
    return body, 200, {"Content-Type": content_type}


@bp.route("/")
def index():
    return redirect(url_for("main.my_work"))


@bp.route("/my-work")
def my_work():
    work = work_service.my_work(current_user, window(), work_service.Filters.read(request.args),
                                decides_revisions=permissions.may_decide_revisions(current_user))
    return render_template("main/my_work.html", work=work, window=window(), shows=work_service.SHOWS,
                           sorts=work_service.SORTS)


@bp.route("/my-work/update-pack.docx")
def my_update_pack():
    """The signed-in person's own update pack (Word), made now, for the next meeting with an update deadline."""
    pack = update_pack.own_pack(current_user, as_of_now())
    return download(pack.content, DOCX, pack.filename,
                    exported=f"Update pack of {current_user.name}, {plural(pack.counts['open'], 'open milestone')}")
