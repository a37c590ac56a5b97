"""Single sign-on with OpenID Connect (docs/security.md, "Single sign-on"): start at the provider, come back signed
in, and sign out at the provider too. The protocol is Authlib's; who may sign in is app.services.single_sign_on.

Starting is a GET link, not a form: the Content-Security-Policy's form-action 'self' would stop a form whose answer
redirects to the provider.
"""

from authlib.common.errors import AuthlibBaseError
from flask import abort, redirect, render_template, request, session, url_for
from joserfc.errors import JoseError
from requests import RequestException

from app.auth import bp, routes
from app.clock import now
from app.services import sessions, single_sign_on
from app.services.single_sign_on import RefusedError

NEXT, ID_TOKEN = "sso_next", "sso_id_token"
TRY_AGAIN = "Go back to the sign-in page and try again. If it happens again, ask an administrator of this service."


@bp.route("/sso/start")
def sso_start():
    """Off to the provider's sign-in page (authorisation code flow, PKCE S256, state and nonce: Authlib's)."""
    if not single_sign_on.enabled():
        abort(404)
    session[NEXT] = routes._safe_next(request.args.get("next"))
    try:
        return single_sign_on.provider().authorize_redirect(url_for("auth.sso_callback", _external=True))
    except (RequestException, ValueError) as error:
        return _refused(RefusedError(f"provider not reachable: {error}", "The sign-in service cannot be reached. "
                                + TRY_AGAIN, status=503))


@bp.route("/sso/callback")
def sso_callback():
    """Back from the provider: the code exchanged, the ID token checked, the person found, signed in."""
    if not single_sign_on.enabled():
        abort(404)
    try:
        person = single_sign_on.sign_in(_verified_claims(), now=now())
    except RefusedError as refusal:
        return render_template("auth/sso_refused.html", message=refusal.message), refusal.status
    return _begin(person)


def _verified_claims() -> dict:
    """The ID token's claims after Authlib checked state, PKCE, signature, issuer, audience, expiry and nonce; a
    failure is refused (and recorded) with its reason."""
    try:
        token = single_sign_on.provider().authorize_access_token()
    except (AuthlibBaseError, JoseError, RequestException, ValueError, KeyError) as error:
        raise _recorded(RefusedError(f"{type(error).__name__}: {error}"[:400], "Signing in did not work. " + TRY_AGAIN,
                                status=400)) from error
    if not token.get("userinfo"):
        raise _recorded(RefusedError("no ID token in the token response", "Signing in did not work. " + TRY_AGAIN,
                                status=400))
    session[ID_TOKEN] = token["id_token"]  # the hint for signing out at the provider
    return dict(token["userinfo"])


def _recorded(refusal: RefusedError) -> RefusedError:
    single_sign_on.refused(refusal)
    return refusal


def _refused(refusal: RefusedError):
    single_sign_on.refused(refusal)
    return render_template("auth/sso_refused.html", message=refusal.message), refusal.status


def _begin(person):
    """The one place a single sign-on ends in a session (app/services/sessions.py). Beginning it empties the Flask
    session, so where to go next and the ID token (the hint for signing out at the provider) are carried over."""
    target, id_token = session.pop(NEXT, None) or url_for("main.my_work"), session.pop(ID_TOKEN)
    sessions.begin(person, method="single sign-on", now=now())
    session[ID_TOKEN] = id_token
    return redirect(target)


def provider_sign_out_url() -> str | None:
    """Where signing out goes next when the person signed in with single sign-on: the provider's end_session_endpoint,
    which returns them to the sign-in page. Call it before the session ends. None: they did not, or it has none."""
    id_token = session.pop(ID_TOKEN, None)
    if not (id_token and single_sign_on.enabled()):
        return None
    try:
        return single_sign_on.end_session_url(id_token, url_for("auth.login", _external=True))
    except (RequestException, ValueError):
        return None


bp.add_app_template_global(single_sign_on.enabled, "sso_enabled")
bp.add_app_template_global(single_sign_on.password_form_shown, "password_form_shown")
