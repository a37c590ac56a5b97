from flask import jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from app.clock import window
from app.main import bp
from app.services import health as health_service
from app.services import my_work as work_service
from app.services import permissions


@bp.route("/health")
def health():
    health_service.check_database()
    return jsonify(status="ok")


@bp.route("/")
def index():
    return redirect(url_for("main.my_work"))


@bp.route("/my-work")
def my_work():
    work = work_service.my_work(current_user, window(), work_service.Filters.read(request.args),
                                decides_revisions=permissions.may_decide_revisions(current_user))
    return render_template("main/my_work.html", work=work, window=window(), shows=work_service.SHOWS,
                           sorts=work_service.SORTS)
