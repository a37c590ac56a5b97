"""Configuration classes. Values come from environment variables with safe development defaults."""

import os
from datetime import date
from pathlib import Path

from cryptography.fernet import Fernet

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _env_date(name: str) -> date | None:
    value = os.environ.get(name)
    return date.fromisoformat(value) if value else None


def _env_int(name: str, default: int = 0) -> int:
    return int(os.environ.get(name) or default)


def _env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value in (None, "") else value.lower() in ("1", "true", "yes", "on")


def _base_url() -> str:
    """BASE_URL, or this machine on the port `make run` serves (PORT, default 5000)."""
    return (os.environ.get("BASE_URL") or f"http://localhost:{os.environ.get('PORT') or '5000'}").rstrip("/")


class Config:
    ENVIRONMENT = "development"
    SERVICE_NAME = "Improvement Tracker"
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'improvement-tracker.sqlite'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Where files (evidence, plans waiting for an import's confirm) are kept: "database", the only choice today, so
    # every web host serves every file and a database backup holds them all (app/services/storage.py, decision 0015).
    FILE_STORAGE = os.environ.get("FILE_STORAGE", "database")
    # Only read by the migration that moved files into the database: where evidence files were kept before.
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE_DIR / "evidence"))
    # The scheduler on PostgreSQL: a second one waits this many seconds between tries to take over (decision 0015).
    SCHEDULER_STANDBY_SECONDS = float(os.environ.get("SCHEDULER_STANDBY_SECONDS") or 5)
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "20")) * 1024 * 1024
    EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_MB", "10")) * 1024 * 1024
    # Fix "today" for demonstrations and training ("the plan as at 31 July 2020"). Never defaulted here: `make run`
    # sets it for the demo (decision 0007), and production refuses it.
    AS_OF_DATE = _env_date("AS_OF_DATE")
    STALE_UPDATE_DAYS = int(os.environ.get("STALE_UPDATE_DAYS", "30"))
    # Audits may hold the child's full name and date of birth; set to "false" to collect neither.
    AUDIT_COLLECT_CHILD_IDENTITY = os.environ.get("AUDIT_COLLECT_CHILD_IDENTITY", "true").lower() != "false"
    # Days after an audit's completion that the child's name and date of birth are kept; empty or 0: kept for good.
    AUDIT_IDENTITY_RETENTION_DAYS = int(os.environ.get("AUDIT_IDENTITY_RETENTION_DAYS") or "0")
    # Security events and ended sessions (client addresses, browsers) are deleted this many days after they happened.
    SECURITY_LOG_RETENTION_DAYS = _env_int("SECURITY_LOG_RETENTION_DAYS", 400)
    DUE_SOON_DAYS = int(os.environ.get("DUE_SOON_DAYS", "14"))
    # Sessions held on the server (docs/security.md, "Sessions"): signed out after SESSION_IDLE_MINUTES without use
    # (a warning comes 2 minutes before) and SESSION_ABSOLUTE_HOURS after signing in, whatever happens.
    SESSION_IDLE_MINUTES = float(os.environ.get("SESSION_IDLE_MINUTES") or 30)
    SESSION_ABSOLUTE_HOURS = float(os.environ.get("SESSION_ABSOLUTE_HOURS") or 12)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # No "remember me": the service never sets that cookie, and one sent anyway opens nothing (app.auth.loaders).
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = None
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # Operations (docs/operations.md, "Health checks", "Logs", "Metrics"; decision 0013). LOG_FORMAT: "text" or
    # "json" (one object a line). TRUST_REQUEST_ID: take X-Request-ID from the proxy (only when it sets or overwrites
    # it); otherwise each request gets an id of its own. METRICS_TOKEN empty: /metrics is not there (404).
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
    TRUST_REQUEST_ID = _env_flag("TRUST_REQUEST_ID", False)
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
    # /health/ready wants a scheduler run within this many minutes: twice the sweep's 30 (app/scheduler.py). Set
    # SCHEDULER_EXPECTED=false where no scheduler is meant to run (then readiness leaves the scheduler out).
    SCHEDULER_EXPECTED = _env_flag("SCHEDULER_EXPECTED", True)
    SCHEDULER_SEEN_MINUTES = _env_int("SCHEDULER_SEEN_MINUTES", 60)
    # Security headers on every response (app/security_headers.py). HSTS is sent on HTTPS requests only, and only
    # where HSTS is on (production); FORCE_HTTPS redirects plain HTTP to HTTPS (production, unless turned off).
    HSTS = False
    FORCE_HTTPS = False
    # Behind a reverse proxy, trust this many proxies' X-Forwarded-For / -Proto / -Host / -Port / -Prefix headers
    # (Werkzeug's ProxyFix). 0, the default, trusts none: set them only when a proxy sets (and overwrites) them.
    PROXY_FIX_X_FOR = _env_int("PROXY_FIX_X_FOR")
    PROXY_FIX_X_PROTO = _env_int("PROXY_FIX_X_PROTO")
    PROXY_FIX_X_HOST = _env_int("PROXY_FIX_X_HOST")
    PROXY_FIX_X_PORT = _env_int("PROXY_FIX_X_PORT")
    PROXY_FIX_X_PREFIX = _env_int("PROXY_FIX_X_PREFIX")
    # Pages kept once drawn (app/page_cache.py, Flask-Caching): each web worker keeps its own by default
    # ("SimpleCache", at most PAGE_CACHE_ENTRIES pages); "NullCache" keeps none. A kept page is served only while the
    # data under it is unchanged, so no setting here can show a page older than the data.
    CACHE_TYPE = os.environ.get("PAGE_CACHE_TYPE", "SimpleCache")
    CACHE_THRESHOLD = _env_int("PAGE_CACHE_ENTRIES", 100)
    CACHE_DEFAULT_TIMEOUT = 3600
    # Links in e-mails and the calendar feed start with this address.
    BASE_URL = _base_url()
    # E-mail: "smtp" sends through MAIL_SERVER; "file" writes each message to MAIL_FILE_DIR (development).
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "file")
    MAIL_FILE_DIR = os.environ.get("MAIL_FILE_DIR", str(INSTANCE_DIR / "mail"))
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "false").lower() == "true"
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "false").lower() == "true"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Improvement Tracker <no-reply@council.example>")
    MAIL_TIMEOUT_SECONDS = int(os.environ.get("MAIL_TIMEOUT_SECONDS", "20"))
    # A sender that stopped mid-delivery leaves its claimed notices; another run sends them again after this many
    # minutes (never less than six MAIL_TIMEOUT_SECONDS: app/services/reminders/outbox.py says why).
    OUTBOX_CLAIM_MINUTES = float(os.environ.get("OUTBOX_CLAIM_MINUTES") or 2)
    # An update request carries the owner's update pack attached (true); false says where to download it instead
    # (My work: made when downloaded, from the data as it is then), for mail systems that hold back Word attachments
    # or councils that keep documents in the service. The e-mail is then a few KB instead of about 20.
    UPDATE_PACKS_ATTACHED = _env_flag("UPDATE_PACKS_ATTACHED", True)
    # Who runs the service and how to reach them: shown on the contact page, the accessibility statement and the
    # privacy notice. The defaults are EXAMPLES for development (reserved .example addresses, an Ofcom drama
    # number): set every one of them for a live service (docs/operations.md).
    COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "Example Council")
    CONTROLLER_NAME = os.environ.get("CONTROLLER_NAME") or COUNCIL_NAME  # the data controller in the privacy notice
    SUPPORT_EMAIL = os.environ.get("SUPPORT_EMAIL", "improvement-tracker@council.example")
    SUPPORT_PHONE = os.environ.get("SUPPORT_PHONE", "01632 960 000")
    SUPPORT_HOURS = os.environ.get("SUPPORT_HOURS", "Monday to Friday, 9am to 5pm")
    DPO_EMAIL = os.environ.get("DPO_EMAIL", "data.protection@council.example")
    # How long audits and plan records are kept, in words ("6 years after the child's 25th birthday"); empty: the
    # privacy notice points to the council's retention schedule.
    RETENTION_PERIOD = os.environ.get("RETENTION_PERIOD", "")
    # The protective marking on every page of a Word document (Government Security Classifications): documents
    # about the plan and anonymised audit figures, and documents about a child (a single audit).
    PROTECTIVE_MARKING = os.environ.get("PROTECTIVE_MARKING", "OFFICIAL")
    PERSONAL_DATA_MARKING = os.environ.get("PERSONAL_DATA_MARKING", "OFFICIAL-SENSITIVE")
    # Sign-in protection (docs/security.md, "Sign-in protection"): after SIGN_IN_LOCK_AFTER failures for one e-mail
    # address within SIGN_IN_WINDOW_MINUTES it is locked for SIGN_IN_LOCK_MINUTES; before that each failure after
    # the first makes the next attempt wait (SIGN_IN_FIRST_DELAY_SECONDS, doubled each time). One client address may
    # fail SIGN_IN_ADDRESS_LIMIT times within the window.
    SIGN_IN_LOCK_AFTER = int(os.environ.get("SIGN_IN_LOCK_AFTER", "5"))
    SIGN_IN_WINDOW_MINUTES = int(os.environ.get("SIGN_IN_WINDOW_MINUTES", "15"))
    SIGN_IN_LOCK_MINUTES = int(os.environ.get("SIGN_IN_LOCK_MINUTES", "15"))
    SIGN_IN_FIRST_DELAY_SECONDS = int(os.environ.get("SIGN_IN_FIRST_DELAY_SECONDS", "2"))
    SIGN_IN_ADDRESS_LIMIT = int(os.environ.get("SIGN_IN_ADDRESS_LIMIT", "30"))
    # Single sign-on with OpenID Connect (docs/security.md, "Single sign-on"; docs/operations.md). OIDC_ISSUER empty:
    # single sign-on is off. OIDC_ROLE_GROUPS is a JSON object {"group id or name": "role", ...}, read in order: the
    # first group the person is in gives the role. OIDC_PROVISION_ROLE empty: people not in People are refused.
    # PASSWORD_SIGN_IN=false (only when single sign-on is on) leaves passwords to the BREAK_GLASS_EMAILS administrators.
    OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").rstrip("/")
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
    OIDC_SCOPES = os.environ.get("OIDC_SCOPES", "openid email profile")
    OIDC_DISPLAY_NAME = os.environ.get("OIDC_DISPLAY_NAME", "Sign in with your council account")
    OIDC_SUBJECT_CLAIM = os.environ.get("OIDC_SUBJECT_CLAIM", "sub")
    OIDC_EMAIL_CLAIM = os.environ.get("OIDC_EMAIL_CLAIM", "email")
    OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
    OIDC_ROLE_GROUPS = os.environ.get("OIDC_ROLE_GROUPS", "")
    OIDC_PROVISION_ROLE = os.environ.get("OIDC_PROVISION_ROLE", "")
    PASSWORD_SIGN_IN = _env_flag("PASSWORD_SIGN_IN", True)
    BREAK_GLASS_EMAILS = os.environ.get("BREAK_GLASS_EMAILS", "")
    # Passwords and second factor (docs/security.md, "Passwords and second factor"): how long an e-mailed reset link
    # and an administrator's set-up link work, how often one person may be e-mailed a reset link, and whether
    # administrators must use a second factor (always, unless single sign-on is on).
    PASSWORD_RESET_MINUTES = _env_int("PASSWORD_RESET_MINUTES", 60)
    SET_UP_LINK_DAYS = _env_int("SET_UP_LINK_DAYS", 7)
    PASSWORD_RESET_EMAIL_INTERVAL_MINUTES = _env_int("PASSWORD_RESET_EMAIL_INTERVAL_MINUTES", 5)
    REQUIRE_SECOND_FACTOR_FOR_ADMINS = _env_flag("REQUIRE_SECOND_FACTOR_FOR_ADMINS", True)
    # The keys (Fernet, comma-separated) that seal the authenticator apps' secrets in the database: the first seals,
    # each opens (put a new key first to rotate, then `flask users reseal-second-factors`). Not set: a key derived
    # from SECRET_KEY (docs/security.md, "Passwords and second factor").
    SECOND_FACTOR_KEYS = os.environ.get("SECOND_FACTOR_KEYS", "")
    SECOND_FACTOR_PENDING_MINUTES = _env_int("SECOND_FACTOR_PENDING_MINUTES", 5)


class DevelopmentConfig(Config):
    DEBUG = True


class TestingConfig(Config):
    ENVIRONMENT = "testing"
    TESTING = True
    SECRET_KEY = "testing-only"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    AS_OF_DATE = None
    # Tests sign administrators in with a password alone; the second-factor tests turn this on.
    REQUIRE_SECOND_FACTOR_FOR_ADMINS = False


class ProductionConfig(Config):
    ENVIRONMENT = "production"
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    SESSION_COOKIE_SECURE = True
    # "__Host-": browsers accept the cookie only if it is Secure, has Path=/ and no Domain, so no other host of
    # the council's domain and no plain-HTTP page can set or replace it (docs/security.md, "Sessions").
    SESSION_COOKIE_NAME = os.environ.get("SESSION_COOKIE_NAME", "__Host-session")
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    HSTS = True
    FORCE_HTTPS = _env_flag("FORCE_HTTPS", True)

    @classmethod
    def check(cls) -> None:
        """Refuse to start without a real secret key and database, or with a fixed date (a live service runs on
        today's date: its reminders would otherwise chase the wrong work, for ever)."""
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise RuntimeError(f"Production configuration needs these environment variables: {', '.join(missing)}")
        for key in filter(None, (part.strip() for part in cls.SECOND_FACTOR_KEYS.split(","))):
            try:
                Fernet(key)
            except ValueError as error:
                raise RuntimeError("SECOND_FACTOR_KEYS holds a key that is not a Fernet key (32 bytes, URL-safe base64). "
                                   "Make one with: python -c \"from cryptography.fernet import Fernet; "
                                   "print(Fernet.generate_key().decode())\"") from error
        if os.environ.get("AS_OF_DATE"):
            raise RuntimeError("AS_OF_DATE is set, but a live service must run on today's date. Unset it; it is for "
                               "demonstrations and training, with FLASK_CONFIG=development.")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
