"""Single sign-on with OpenID Connect: who a verified ID token signs in (docs/security.md, "Single sign-on").

The protocol (discovery, the authorisation code flow with PKCE, state, nonce, and checking the ID token's signature,
issuer, audience and expiry) is Authlib's, in app/auth/sso.py. These are the rules for the claims it has verified:

- A person is found by the provider's stable id (OIDC_SUBJECT_CLAIM, `sub`; `oid` for Entra ID), stored on them at
  their first single sign-on. Until then they are found by e-mail address (OIDC_EMAIL_CLAIM, any case), and the id
  is stored. Someone already linked to another id is refused (two accounts at the provider with one e-mail address),
  and so is an e-mail address the provider says it has not verified.
- Nobody else signs in, unless OIDC_PROVISION_ROLE is set: then they are added to People with that role.
- Groups and placeholders, and people made inactive, are refused.
- With OIDC_ROLE_GROUPS, roles follow the groups claim: the mapping is read in the order written, and the first
  group the person is in gives their role; in none of them, a person is a viewer. A change is recorded.

Every refusal is recorded as SSO_REFUSED with its reason; the page says what to do (ask an administrator).
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from authlib.integrations.flask_client import OAuth
from flask import current_app
from sqlalchemy import func, select

from app.extensions import db
from app.models import Person, Role, SecurityEventKind
from app.services import history, security_events
from app.services.transaction import transaction

ASK_ADMIN = "Ask an administrator of this service to add you, or to check your account."


class RefusedError(Exception):
    """Single sign-on did not sign this person in: `reason` for the security event log, `message` for them."""

    def __init__(self, reason: str, message: str, *, person: Person | None = None, status: int = 403):
        super().__init__(reason)
        self.reason, self.message, self.person, self.status = reason, message, person, status


@dataclass(frozen=True)
class Settings:
    """The single sign-on settings (config.py, docs/operations.md)."""

    subject_claim: str = "sub"
    email_claim: str = "email"
    groups_claim: str = "groups"
    role_groups: tuple[tuple[str, Role], ...] = ()  # (group, role) in the order written: the first match wins
    provision_role: Role | None = None

    @classmethod
    def configured(cls) -> "Settings":
        config = current_app.config
        return cls(subject_claim=config["OIDC_SUBJECT_CLAIM"], email_claim=config["OIDC_EMAIL_CLAIM"],
                   groups_claim=config["OIDC_GROUPS_CLAIM"], role_groups=role_groups(config["OIDC_ROLE_GROUPS"]),
                   provision_role=Role(config["OIDC_PROVISION_ROLE"]) if config["OIDC_PROVISION_ROLE"] else None)


def role_groups(setting: str) -> tuple[tuple[str, Role], ...]:
    """OIDC_ROLE_GROUPS, a JSON object {"group": "role", ...}, as (group, role) pairs in the order written."""
    return tuple((group, Role(role)) for group, role in json.loads(setting).items()) if setting.strip() else ()


def enabled() -> bool:
    return bool(current_app.config["OIDC_ISSUER"])


def password_sign_in_allowed(person: Person) -> bool:
    """Passwords work unless single sign-on is on and PASSWORD_SIGN_IN is off; then only for the break-glass
    administrators (BREAK_GLASS_EMAILS)."""
    config = current_app.config
    if not enabled() or config["PASSWORD_SIGN_IN"]:
        return True
    return person.has_role(Role.ADMIN) and (person.email or "").lower() in break_glass_emails()


def password_form_shown() -> bool:
    return not enabled() or current_app.config["PASSWORD_SIGN_IN"]


def break_glass_emails() -> set[str]:
    return {email.strip().lower() for email in current_app.config["BREAK_GLASS_EMAILS"].split(",") if email.strip()}


def provider():
    """The app's OpenID Connect client (Authlib), made once per app from its settings: the provider's endpoints and
    keys come from its discovery document (OIDC_ISSUER/.well-known/openid-configuration), fetched once."""
    extensions = current_app.extensions
    if "single_sign_on" not in extensions:
        config = current_app.config
        extensions["single_sign_on"] = OAuth(current_app._get_current_object()).register(
            "provider", client_id=config["OIDC_CLIENT_ID"], client_secret=config["OIDC_CLIENT_SECRET"],
            server_metadata_url=f"{config['OIDC_ISSUER']}/.well-known/openid-configuration",
            client_kwargs={"scope": config["OIDC_SCOPES"], "code_challenge_method": "S256", "timeout": 10})
    return extensions["single_sign_on"]


def end_session_url(id_token: str, return_to: str) -> str | None:
    """Where to send a person who signed in with single sign-on, to sign out at the provider too (None: the provider
    has no end_session_endpoint)."""
    metadata = provider().load_server_metadata()
    return provider().create_logout_url(post_logout_redirect_uri=return_to, id_token_hint=id_token)[
        "url"] if metadata.get("end_session_endpoint") else None


def sign_in(claims: Mapping, *, now: datetime, settings: Settings | None = None) -> Person:
    """The person these verified ID token claims sign in (linked, added or with their role updated); or RefusedError,
    recorded."""
    try:
        return _matched(claims, settings or Settings.configured(), now=now)
    except RefusedError as refusal:
        refused(refusal)
        raise


def refused(refusal: RefusedError) -> None:
    security_events.record(SecurityEventKind.SSO_REFUSED, person=refusal.person, detail=refusal.reason)


@transaction("This person")
def _matched(claims: Mapping, settings: Settings, *, now: datetime) -> Person:
    subject = str(claims.get(settings.subject_claim) or "")
    if not subject:
        raise RefusedError(f"no {settings.subject_claim} claim in the ID token",
                      "The sign-in service did not say who you are. " + ASK_ADMIN)
    person = db.session.scalar(select(Person).where(Person.sso_subject == subject)) or _linked(claims, subject,
                                                                                                settings, now=now)
    if not person.active or not person.is_individual:
        raise RefusedError("account inactive", "Your account in this service is not active. " + ASK_ADMIN, person=person)
    if settings.role_groups:
        _follow_groups(person, claims.get(settings.groups_claim) or [], settings, now=now)
    return person


def _linked(claims: Mapping, subject: str, settings: Settings, *, now: datetime) -> Person:
    """The person with the token's e-mail address, now linked to the subject; or a new person, when provisioning."""
    email = str(claims.get(settings.email_claim) or "").strip().lower()
    if email and claims.get("email_verified") is False:
        raise RefusedError(f"e-mail address {email} not verified by the provider",
                      "The sign-in service has not confirmed your e-mail address. " + ASK_ADMIN)
    person = db.session.scalar(select(Person).where(func.lower(Person.email) == email)) if email else None
    if person is None:
        return _provisioned(claims, subject, email, settings, now=now)
    if person.sso_subject:
        raise RefusedError(f"{email} is already linked to another single sign-on account",
                      "Your e-mail address belongs to another account at the sign-in service. " + ASK_ADMIN,
                      person=person)
    person.sso_subject = subject
    return person


def _provisioned(claims: Mapping, subject: str, email: str, settings: Settings, *, now: datetime) -> Person:
    if not settings.provision_role or not email:
        raise RefusedError(f"unknown person {email or '(no e-mail address)'}",
                      "You do not have an account in this service yet. " + ASK_ADMIN)
    name = str(claims.get("name") or email).strip()[:200]
    if db.session.scalar(select(Person.id).where(func.lower(Person.name) == name.lower())):
        name = f"{name} ({email})"[:200]
    person = Person(name=name, email=email, role=settings.provision_role, sso_subject=subject)
    db.session.add(person)
    db.session.flush()
    history.record(person, "created", None, f"{name}, at their first single sign-on", actor=None, now=now,
                   action_id=None)
    security_events.record(SecurityEventKind.ACCOUNT_PROVISIONED, person=person,
                           detail=f"as {settings.provision_role.label}")
    return person


def _follow_groups(person: Person, groups: list | str, settings: Settings, *, now: datetime) -> None:
    groups = {groups} if isinstance(groups, str) else set(map(str, groups))
    role = next((role for group, role in settings.role_groups if group in groups), Role.VIEWER)
    old = Role(person.role)
    if history.change(person, {"role": role}, actor=None, now=now, action_id=None):
        security_events.record(SecurityEventKind.ROLE_CHANGED, person=person,
                               detail=f"{old.label} to {role.label}, from the groups at single sign-on")
