"""Front-end assets from the npm packages (GOV.UK Frontend, MOJ Frontend) and the app's own CSS."""

from pathlib import Path

from flask import Blueprint, abort, send_from_directory

from config import BASE_DIR

bp = Blueprint("assets", __name__)

NODE_MODULES = BASE_DIR / "node_modules"
ASSET_DIRECTORIES = (
    BASE_DIR / "app" / "static",
    NODE_MODULES / "govuk-frontend" / "dist" / "govuk",
    NODE_MODULES / "govuk-frontend" / "dist" / "govuk" / "assets",
    NODE_MODULES / "@ministryofjustice" / "frontend" / "moj",
)


@bp.route("/assets/<path:filename>")
def static(filename: str):
    for directory in ASSET_DIRECTORIES:
        if (Path(directory) / filename).is_file():
            return send_from_directory(directory, filename, max_age=3600)
    abort(404)
