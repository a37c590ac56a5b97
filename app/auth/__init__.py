from flask import Blueprint

# no url_prefix: /login and /logout sit at the root, where every sign-in redirect and bookmark leads
bp = Blueprint("auth", __name__, url_prefix="")

from app.auth import account, password_links, routes, second_step, sso  # noqa: E402,F401
