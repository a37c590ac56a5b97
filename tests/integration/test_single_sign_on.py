"""Single sign-on against a real OpenID provider on loopback (tests/oidc: the certified npm package oidc-provider).

The app is the Flask client; the person's browser at the provider is an HTTP client with its own cookies. Every
token exchange, discovery and key fetch is real HTTP from the app to the provider.
"""

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import select

from app.models import Person, Role, SecurityEvent, SecurityEventKind
from app.services import single_sign_on
from tests.conftest import PASSWORD
from tests.oidc import CLIENT_ID, CLIENT_SECRET, PEOPLE, Browser, Provider

CALLBACK, SIGNED_OUT = "http://localhost/sso/callback", "http://localhost/login"


@pytest.fixture(scope="module")
def provider():
    running = Provider([CALLBACK], [SIGNED_OUT]).start()
    yield running
    running.stop()


@pytest.fixture
def sso(app, provider):
    app.config.update(OIDC_ISSUER=provider.issuer, OIDC_CLIENT_ID=CLIENT_ID, OIDC_CLIENT_SECRET=CLIENT_SECRET,
                      OIDC_SCOPES="openid email profile groups")
    return app


@pytest.fixture
def browser():
    return Browser()


def start(client, browser, login):
    """Press the sign-in button, sign in at the provider as `login`: where the provider sends the browser back."""
    response = client.get("/sso/start?next=/my-work")
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.location).query)
    assert query["code_challenge_method"] == ["S256"] and query["state"] and query["nonce"]
    return browser.authorise(response.location, login)


def back(client, callback_url):
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client, browser, login):
    return back(client, start(client, browser, login))


def events(db, kind):
    return list(db.session.scalars(select(SecurityEvent).where(SecurityEvent.kind == kind)))


def signed_in(client) -> bool:
    return client.get("/my-work").status_code == 200


def test_a_person_in_people_signs_in_found_by_email_and_is_linked_to_their_id(sso, client, browser, db, make_person):
    olive = make_person("Olive Owner")
    response = sign_in(client, browser, "olive")
    assert response.status_code == 302 and response.location == "/my-work"
    assert signed_in(client)
    assert olive.sso_subject == PEOPLE["olive"]["sub"]
    olive.email = "olive.renamed@test.example"  # found by the stable id from now on, whatever the e-mail says
    db.session.commit()
    client.post("/logout")
    assert sign_in(client, Browser(), "olive").status_code == 302 and signed_in(client)


def test_email_is_matched_in_any_case_and_roles_follow_groups_in_the_order_written(sso, client, browser, db,
                                                                                   make_person):
    sso.config["OIDC_ROLE_GROUPS"] = json.dumps({"service-admins": "admin", "qa-leads": "qa_lead", "staff": "viewer"})
    quinn, ada = make_person("Quinn Lead", Role.VIEWER), make_person("Ada Admin", Role.AUDITOR)
    assert sign_in(client, browser, "quinn").status_code == 302  # Quinn.Lead@Test.Example at the provider
    assert Role(quinn.role) == Role.QA_LEAD
    client.post("/logout")
    assert sign_in(client, Browser(), "ada").status_code == 302
    assert Role(ada.role) == Role.ADMIN  # in qa-leads too, but service-admins comes first
    changes = events(db, SecurityEventKind.ROLE_CHANGED)
    assert [(event.person, event.detail) for event in changes] == [
        (quinn, "Action owner or viewer to QA lead, from the groups at single sign-on"),
        (ada, "Auditor to Administrator, from the groups at single sign-on")]


def test_an_unknown_person_is_refused_with_what_to_do_and_recorded(sso, client, browser, db):
    response = sign_in(client, browser, "newton")
    assert response.status_code == 403
    assert "You do not have an account in this service yet" in response.text
    assert "Ask an administrator" in response.text
    assert not signed_in(client)
    assert db.session.scalar(select(Person).where(Person.email == "newton.new@test.example")) is None
    [refusal] = events(db, SecurityEventKind.SSO_REFUSED)
    assert refusal.detail == "unknown person newton.new@test.example"


def test_an_unknown_person_is_added_with_the_provisioning_role_when_it_is_on(sso, client, browser, db):
    sso.config["OIDC_PROVISION_ROLE"] = "viewer"
    assert sign_in(client, browser, "newton").status_code == 302 and signed_in(client)
    newton = db.session.scalar(select(Person).where(Person.email == "newton.new@test.example"))
    assert (newton.name, Role(newton.role), newton.sso_subject) == ("Newton New", Role.VIEWER,
                                                                    PEOPLE["newton"]["sub"])
    [provisioned] = events(db, SecurityEventKind.ACCOUNT_PROVISIONED)
    assert provisioned.person == newton


def test_someone_else_at_the_provider_with_a_linked_persons_email_is_refused(sso, client, browser, db, make_person):
    make_person("Olive Owner")
    sign_in(client, browser, "olive")
    client.post("/logout")
    response = sign_in(client, Browser(), "imogen")  # olive.owner@test.example too, with another id
    assert response.status_code == 403 and not signed_in(client)
    assert "already linked to another single sign-on account" in events(db, SecurityEventKind.SSO_REFUSED)[0].detail


def test_an_inactive_person_is_refused(sso, client, browser, db, make_person):
    olive = make_person("Olive Owner")
    olive.active = False
    db.session.commit()
    response = sign_in(client, browser, "olive")
    assert response.status_code == 403 and "not active" in response.text and not signed_in(client)
    assert events(db, SecurityEventKind.SSO_REFUSED)[0].detail == "account inactive"


def tamper_token(monkeypatch, change):
    """Change the ID token between the provider's token endpoint and the app's checks (an attacker in the middle)."""
    client = single_sign_on.provider()
    real = client.fetch_access_token

    def fetched(**kwargs):
        token = real(**kwargs)
        return {**token, "id_token": change(token["id_token"])}

    monkeypatch.setattr(client, "fetch_access_token", fetched)


def refused_with_a_clear_page(response, client, db):
    assert response.status_code == 400
    assert "Signing in did not work" in response.text
    assert not signed_in(client)
    return events(db, SecurityEventKind.SSO_REFUSED)[0].detail


def test_an_id_token_with_a_changed_signature_is_refused(sso, client, browser, db, make_person, monkeypatch):
    make_person("Olive Owner")

    def flip_a_byte(token):
        header, claims, signature = token.split(".")
        raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
        raw[10] ^= 0x01
        return f"{header}.{claims}.{base64.urlsafe_b64encode(bytes(raw)).decode().rstrip('=')}"

    tamper_token(monkeypatch, flip_a_byte)
    assert "BadSignatureError" in refused_with_a_clear_page(sign_in(client, browser, "olive"), client, db)


def test_an_id_token_signed_by_another_key_is_refused(sso, client, browser, db, make_person, monkeypatch):
    make_person("Olive Owner")

    def resigned(token):
        real = jwt.decode(token, _provider_keys())
        return jwt.encode(real.header, real.claims, RSAKey.generate_key(2048))  # the provider's key id, kept

    tamper_token(monkeypatch, resigned)
    assert "Error" in refused_with_a_clear_page(sign_in(client, browser, "olive"), client, db)


def _provider_keys():
    return KeySet.import_key_set(single_sign_on.provider().fetch_jwk_set())


def test_an_id_token_for_another_audience_is_refused(sso, client, browser, db, make_person, monkeypatch):
    make_person("Olive Owner")
    other_key = RSAKey.generate_key(2048, parameters={"kid": "other"})

    def for_another_service(token):  # the provider's own claims, but not for this client: re-signed, so also bad
        real = jwt.decode(token, _provider_keys())
        return jwt.encode(real.header, {**real.claims, "aud": "another-service"}, other_key)

    tamper_token(monkeypatch, for_another_service)
    refused_with_a_clear_page(sign_in(client, browser, "olive"), client, db)


def test_an_id_token_from_another_sign_in_has_the_wrong_nonce_and_is_refused(sso, app, browser, db, make_person,
                                                                             monkeypatch):
    """A genuine ID token, signed by the provider for this client, replayed into another sign-in."""
    make_person("Olive Owner")
    stolen = {}
    first, second = app.test_client(), app.test_client()
    tamper_token(monkeypatch, lambda token: stolen.setdefault("id_token", token))
    assert sign_in(first, browser, "olive").status_code == 302
    response = sign_in(second, Browser(), "olive")
    assert "nonce" in refused_with_a_clear_page(response, second, db)


@pytest.mark.parametrize("state", ["wrong", None])
def test_a_wrong_or_missing_state_is_refused(sso, client, browser, db, make_person, state):
    make_person("Olive Owner")
    callback = urlsplit(start(client, browser, "olive"))
    query = {name: values[0] for name, values in parse_qs(callback.query).items()}
    query.pop("state") if state is None else query.update(state=state)
    response = client.get(callback.path, query_string=query)
    assert "MismatchingStateError" in refused_with_a_clear_page(response, client, db)


def test_signing_out_signs_out_at_the_provider_too(sso, client, browser, make_person):
    make_person("Olive Owner")
    sign_in(client, browser, "olive")
    client.post("/logout")
    start(client, browser, None)  # still signed in at the provider: no sign-in page, straight back
    assert sign_in(client, browser, None).status_code == 302  # a new session without typing anything
    response = client.post("/logout")
    assert response.location.startswith(f"{sso.config['OIDC_ISSUER']}/session/end")
    query = parse_qs(urlsplit(response.location).query)
    assert query["post_logout_redirect_uri"] == [SIGNED_OUT] and query["id_token_hint"]
    assert browser.sign_out(response.location).startswith(f"{SIGNED_OUT}?state=")
    assert not signed_in(client)
    with pytest.raises(AssertionError, match="asked for a sign-in"):
        start(client, browser, None)


def test_with_password_sign_in_off_only_break_glass_administrators_use_a_password(sso, client, make_person):
    sso.config.update(PASSWORD_SIGN_IN=False, BREAK_GLASS_EMAILS="ada.admin@test.example")
    olive, ada = make_person("Olive Owner", Role.ADMIN), make_person("Ada Admin", Role.ADMIN)
    page = client.get("/login").text
    assert 'id="sso-start"' in page and 'name="password"' not in page and "Administrator sign-in" in page
    assert 'name="password"' in client.get("/login?admin=1").text
    refused = client.post("/login", data={"email": olive.email, "password": PASSWORD})
    assert refused.status_code == 200 and "not right" in refused.text and not signed_in(client)
    assert client.post("/login", data={"email": ada.email, "password": PASSWORD}).status_code == 302
    assert signed_in(client)


def test_the_sign_in_page_offers_single_sign_on_first_when_it_is_on(sso, client):
    page = client.get("/login").text
    assert page.index('id="sso-start"') < page.index('name="password"')


def test_without_an_issuer_there_is_no_single_sign_on(app, client):
    assert client.get("/sso/start").status_code == 404 and client.get("/sso/callback").status_code == 404
    assert 'id="sso-start"' not in client.get("/login").text
