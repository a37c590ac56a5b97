"""The second factor through HTTP: setting it up with a code computed from the key the page shows, signing in with a
code or a recovery code (once), limited guessing, removal, and administrators sent to set it up."""

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from app.models import Person, Role, SecurityEvent, SecurityEventKind
from tests.conftest import PASSWORD
from tests.integration.served_form import submission


def _set_up(client) -> tuple[pyotp.TOTP, list[str]]:
    page = client.get("/account/second-factor/set-up").get_data(as_text=True)
    assert "<svg" in page  # the QR code: SVG, drawn without script or inline style
    key = re.search(r'id="key"><code>([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    totp = pyotp.TOTP(key)
    done = client.post("/account/second-factor/set-up", data=submission(page, "submit", code=totp.now()))
    assert "Your second factor is on" in done.get_data(as_text=True)
    assert "no-store" in done.headers["Cache-Control"]
    return totp, re.findall(r"<li><code>([a-z0-9-]+)</code></li>", done.get_data(as_text=True))


def _password_step(client, person: Person):
    client.post("/logout")
    return client.post("/login", data={"email": person.email, "password": PASSWORD})


def _next_code(totp: pyotp.TOTP) -> str:
    return totp.at(time.time() + 30)  # the code just used to set up is never accepted twice


@pytest.fixture
def olive(make_person):
    return make_person("Olive Owner")


def test_setting_up_needs_a_right_code(client, login, olive, db):
    login(olive)
    page = client.get("/account/second-factor/set-up").get_data(as_text=True)
    wrong = client.post("/account/second-factor/set-up", data=submission(page, "submit", code="000000"))
    assert "The code is not right" in wrong.get_data(as_text=True) and olive.totp_confirmed_at is None


def test_signing_in_with_a_code_after_the_password(client, login, olive, db):
    login(olive)
    totp, codes = _set_up(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    answer = _password_step(client, olive)
    assert answer.location.endswith("/login/code")
    assert client.get("/my-work").status_code == 302  # not signed in yet
    page = client.get("/login/code").get_data(as_text=True)
    wrong = client.post("/login/code", data=submission(page, "submit", code="123456"))
    assert "The code is not right" in wrong.get_data(as_text=True) and client.get("/my-work").status_code == 302
    right = client.post("/login/code", data=submission(page, "submit", code=_next_code(totp)))
    assert right.status_code == 302 and client.get("/my-work").status_code == 200
    kinds = db.session.scalars(select(SecurityEvent.kind).where(SecurityEvent.person_id == olive.id)).all()
    assert SecurityEventKind.SECOND_FACTOR_SET_UP in kinds and SecurityEventKind.SECOND_FACTOR_FAILED in kinds


def test_signing_in_with_a_code_leaves_the_persons_version_so_an_administrators_save_is_not_refused(
        client, login, olive, db):
    login(olive)
    totp, _ = _set_up(client)
    version = db.session.scalar(select(Person.version).where(Person.id == olive.id))
    _password_step(client, olive)
    page = client.get("/login/code").get_data(as_text=True)
    code = _next_code(totp)
    assert client.post("/login/code", data=submission(page, "submit", code=code)).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(Person.version).where(Person.id == olive.id)) == version
    _password_step(client, olive)  # the same code again, in another sign-in: refused
    page = client.get("/login/code").get_data(as_text=True)
    again = client.post("/login/code", data=submission(page, "submit", code=code))
    assert "The code is not right" in again.get_data(as_text=True)


def test_a_recovery_code_works_once(client, login, olive, db):
    login(olive)
    _, codes = _set_up(client)
    _password_step(client, olive)
    page = client.get("/login/recovery-code").get_data(as_text=True)
    used = client.post("/login/recovery-code", data=submission(page, "submit", code=codes[0].upper()))
    assert used.status_code == 302 and client.get("/my-work").status_code == 200
    _password_step(client, olive)
    again = client.post("/login/recovery-code", data=submission(page, "submit", code=codes[0]))
    assert "not right, or has been used already" in again.get_data(as_text=True)
    assert db.session.scalar(select(SecurityEvent.detail).where(
        SecurityEvent.kind == SecurityEventKind.RECOVERY_CODE_USED)) == "9 left"


def test_guessing_codes_is_limited(app, client, login, olive):
    app.config.update(SIGN_IN_FIRST_DELAY_SECONDS=0)
    login(olive)
    totp, _ = _set_up(client)
    _password_step(client, olive)
    page = client.get("/login/code").get_data(as_text=True)
    for _ in range(5):
        client.post("/login/code", data=submission(page, "submit", code="000000"))
    refused = client.post("/login/code", data=submission(page, "submit", code=_next_code(totp)))
    assert refused.status_code == 429 and "too many wrong codes" in refused.get_data(as_text=True)
    assert client.get("/my-work").status_code == 302


def test_the_second_step_without_the_password_step_goes_back_to_sign_in(client):
    assert client.post("/login/code", data={"code": "123456"}).location.endswith("/login")


def test_removing_the_second_factor_needs_the_password(client, login, olive, db):
    login(olive)
    _set_up(client)
    page = client.get("/account/second-factor").get_data(as_text=True)
    wrong = client.post("/account/second-factor/remove", data=submission(page, "submit", password="not-it"))
    assert "Your password is not right" in wrong.get_data(as_text=True) and olive.totp_confirmed_at
    client.post("/account/second-factor/remove", data=submission(page, "submit", password=PASSWORD))
    db.session.expire_all()
    assert olive.totp_confirmed_at is None
    assert _password_step(client, olive).location.endswith("/my-work")


def test_an_administrator_without_a_second_factor_sets_one_up_first(app, client, login, make_person):
    app.config["REQUIRE_SECOND_FACTOR_FOR_ADMINS"] = True
    login(make_person("Ada Admin", Role.ADMIN))
    assert client.get("/admin/people").location.endswith("/account/second-factor/set-up")
    assert client.get("/my-work").location.endswith("/account/second-factor/set-up")
    _set_up(client)
    assert client.get("/admin/people").status_code == 200


def test_administrators_are_not_asked_when_single_sign_on_is_on(app, client, login, make_person):
    app.config.update(REQUIRE_SECOND_FACTOR_FOR_ADMINS=True, OIDC_ISSUER="https://login.example/")
    login(make_person("Ada Admin", Role.ADMIN))
    assert client.get("/admin/people").status_code == 200


def test_an_administrator_removes_the_second_factor_of_someone_who_lost_their_phone(app, client, login, olive,
                                                                                     make_person, db):
    login(olive)
    _set_up(client)
    admin = make_person("Ada Admin", Role.ADMIN)
    administrator = app.test_client()
    administrator.post("/login", data={"email": admin.email, "password": PASSWORD})
    page = administrator.get(f"/admin/people/{olive.id}/edit").get_data(as_text=True)
    assert "Olive Owner has a second factor, set up on" in page
    removal = submission(page, "remove")
    answer = administrator.post(f"/admin/people/{olive.id}/second-factor/remove", data=removal)
    assert "second factor is removed" in administrator.get(answer.location).get_data(as_text=True)
    assert _password_step(client, olive).location == "/my-work"  # the password alone, until a new one is set up
    removed = db.session.scalars(select(SecurityEvent).where(
        SecurityEvent.kind == SecurityEventKind.SECOND_FACTOR_REMOVED)).one()
    assert (removed.person_id, removed.actor_id) == (olive.id, admin.id)
    again = administrator.post(f"/admin/people/{olive.id}/second-factor/remove", data=removal)
    assert "has no second factor to remove" in administrator.get(again.location).get_data(as_text=True)
