"""Improvement Tracker: the application factory."""

import os

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from config import BASE_DIR, CONFIGS, ProductionConfig

from .extensions import cache, csrf, db, login_manager, migrate
from .web import CleanRequest, IdConverter


def create_app(config_name: str | None = None) -> Flask:
    config_name = config_name or os.environ.get("FLASK_CONFIG", "development")
    config_class = CONFIGS[config_name]
    if config_class is ProductionConfig:
        ProductionConfig.check()
    app = Flask(__name__, instance_path=str(BASE_DIR / "instance"), static_folder=None)
    app.config.from_object(config_class)
    app.request_class = CleanRequest  # no NUL or other control character reaches a page, the database or a document
    app.url_map.converters["int"] = IdConverter  # ids beyond the database's range are "not found" (app/web.py)
    configure_templates(app)
    configure_logging(app)
    register_extensions(app)
    register_observability(app)  # first of the request hooks: the request id is there for everything after it
    register_security_headers(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_cli(app)
    return app


def configure_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(BASE_DIR / "templates"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    from .web import register_template_helpers

    register_template_helpers(app)


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    cache.init_app(app)
    WTFormsHelpers(app)
    from . import database, models  # noqa: F401  (SQLite pragmas; every model known to Alembic)
    from .auth.loaders import configure_login_manager

    configure_login_manager(login_manager)


def register_observability(app: Flask) -> None:
    from .observability import register

    register(app)


def register_security_headers(app: Flask) -> None:
    from .security_headers import register

    register(app)


def register_blueprints(app: Flask) -> None:
    from .admin import bp as admin_bp
    from .assets import bp as assets_bp
    from .audits import bp as audits_bp
    from .auth import bp as auth_bp
    from .help import bp as help_bp
    from .main import bp as main_bp
    from .meetings import bp as meetings_bp
    from .notifications import bp as notifications_bp
    from .plans import bp as plans_bp
    from .reports import bp as reports_bp

    app.register_blueprint(assets_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(plans_bp)
    app.register_blueprint(audits_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(help_bp)
    from .api import register as register_api

    register_api(app)


def register_errorhandlers(app: Flask) -> None:
    from .errors import register

    register(app)


def register_cli(app: Flask) -> None:
    from .cli import register

    register(app)


def configure_logging(app: Flask) -> None:
    from .observability import configure_logging as configure

    configure(app)
