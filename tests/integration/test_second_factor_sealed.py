"""The authenticator app's secret is kept sealed (app/services/second_factor.py): a copy of the database does not hold
it; a secret kept before secrets were sealed still works and `flask users reseal-second-factors` seals it; a new key
put first in SECOND_FACTOR_KEYS opens what the old one sealed, and resealing moves every secret to it; a secret no key
opens refuses codes (never an error page) and leaves the recovery codes working. Through HTTP and the command."""

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, update

from app import create_app
from app.models import Person
from app.services import second_factor
from tests.integration.served_form import submission
from tests.integration.test_second_factor import _next_code, _password_step, _set_up


@pytest.fixture
def olive(make_person):
    return make_person("Olive Owner")


def stored(db, person: Person) -> str:
    return db.session.scalar(select(Person.totp_secret).where(Person.id == person.id))


def signs_in_with(client, person: Person, code: str) -> bool:
    _password_step(client, person)
    page = client.get("/login/code").get_data(as_text=True)
    answer = client.post("/login/code", data=submission(page, "submit", code=code))
    assert answer.status_code in (200, 302)  # never an error page
    return client.get("/my-work").status_code == 200


def reseal(app) -> str:
    return app.test_cli_runner().invoke(args=["users", "reseal-second-factors"]).output


def test_the_secret_is_kept_sealed_and_codes_from_it_sign_in(client, login, olive, db):
    login(olive)
    totp, _ = _set_up(client)
    kept = stored(db, olive)
    assert kept.startswith(second_factor.SEALED) and totp.secret not in kept
    assert signs_in_with(client, olive, _next_code(totp))


def test_a_secret_kept_before_sealing_still_works_and_resealing_seals_it(app, client, login, olive, db):
    login(olive)
    totp, _ = _set_up(client)
    db.session.execute(update(Person).where(Person.id == olive.id).values(totp_secret=totp.secret))
    db.session.commit()  # as an earlier version kept it
    assert signs_in_with(client, olive, _next_code(totp))

    assert "1 second factors sealed with the first key." in reseal(app)
    db.session.expire_all()
    assert stored(db, olive).startswith(second_factor.SEALED)
    assert signs_in_with(client, olive, a_later_code(db, olive, totp))


def test_a_new_key_put_first_opens_old_secrets_and_resealing_moves_them_to_it(app, client, login, olive, db):
    login(olive)
    totp, _ = _set_up(client)
    old = second_factor._derived_key(app.config["SECRET_KEY"]).decode()
    new = Fernet.generate_key().decode()
    app.config["SECOND_FACTOR_KEYS"] = f"{new}, {old}"
    assert signs_in_with(client, olive, _next_code(totp))

    reseal(app)
    db.session.expire_all()
    assert Fernet(new).decrypt(stored(db, olive).encode()).decode() == totp.secret
    app.config["SECOND_FACTOR_KEYS"] = new  # the old key dropped
    assert signs_in_with(client, olive, a_later_code(db, olive, totp))


def test_a_secret_no_key_opens_refuses_codes_but_a_recovery_code_still_signs_in(app, client, login, olive, db):
    login(olive)
    totp, codes = _set_up(client)
    app.config["SECOND_FACTOR_KEYS"] = Fernet.generate_key().decode()  # the old key lost
    assert not signs_in_with(client, olive, _next_code(totp))
    assert "0 second factors sealed" in reseal(app)  # left as it is
    page = client.get("/login/recovery-code").get_data(as_text=True)
    assert client.post("/login/recovery-code", data=submission(page, "submit", code=codes[0])).status_code == 302
    assert client.get("/my-work").status_code == 200


def a_later_code(db, person: Person, totp) -> str:
    """A code for a sign-in a while after the last (the time steps used so far forgotten, as if they had passed)."""
    db.session.execute(update(Person).where(Person.id == person.id).values(totp_last_step=None))
    db.session.commit()
    return totp.now()


def test_production_refuses_a_key_that_is_not_a_fernet_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.delenv("AS_OF_DATE", raising=False)
    monkeypatch.setattr("config.ProductionConfig.SECOND_FACTOR_KEYS", f"{Fernet.generate_key().decode()}, not-a-key")
    with pytest.raises(RuntimeError, match="SECOND_FACTOR_KEYS holds a key that is not a Fernet key"):
        create_app("production")
    monkeypatch.setattr("config.ProductionConfig.SECOND_FACTOR_KEYS", Fernet.generate_key().decode())
    assert create_app("production").config["SECOND_FACTOR_KEYS"]
