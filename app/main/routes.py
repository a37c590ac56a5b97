from flask import jsonify, redirect, render_template, url_for
from flask_login import current_user

from app.clock import today, window
from app.main import bp
from app.services import health as health_service
from app.services import permissions
from app.services.audits.queries import my_audit_work
from app.services.plans.queries import my_work as load_my_work


@bp.route("/health")
def health():
    health_service.check_database()
    return jsonify(status="ok")


@bp.route("/")
def index():
    return redirect(url_for("main.my_work"))


@bp.route("/my-work")
def my_work():
    work = load_my_work(current_user, window(), include_revision_queue=permissions.may_decide_revisions(current_user))
    return render_template("main/my_work.html", work=work, window=window(),
                           audit_work=my_audit_work(current_user, today()))
