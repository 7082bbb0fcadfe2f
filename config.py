"""Configuration, read only from the environment (and a `.env` file beside this one).

`Config` is development, `TestConfig` the test suite, `ProductionConfig` what gunicorn runs.
Pick one with RAKOR_ENV=development|production (tests pass TestConfig explicitly).
"""
import os
import tempfile
from datetime import timedelta
from pathlib import Path

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent
load_dotenv(BASE_DIR / ".env")

DEV_SECRET_KEY = "dev-only-insecure-key-change-me"


def _env(name, default=None):
    value = os.environ.get(name)
    return default if value in (None, "") else value


def _int(name, default):
    return int(_env(name, default))


def _bool(name, default=False):
    return str(_env(name, default)).lower() in {"1", "true", "yes", "on"}


def _database_url(default):
    url = _env("DATABASE_URL", default)
    # Hosting panels hand out postgres:// URLs; SQLAlchemy wants an explicit driver (psycopg 3).
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class Config:
    ENV_NAME = "development"
    SECRET_KEY = _env("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{BASE_DIR / 'instance' / 'rakor.db'}")
    # No ping before every use: rakor/core/idle_ping.py checks a connection that sat idle.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": False}
    REDIS_URL = _env("REDIS_URL")
    # Rate-limit counters must be shared between gunicorn workers: Redis in production.
    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", REDIS_URL or "memory://")
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    # No X-RateLimit-* (and Retry-After) headers on every answer: Flask-Limiter reads the window
    # back for them, two more Redis round trips per request; a refused request (429) still says
    # Retry-After (rakor/errors.py, rakor/api/http.py).
    RATELIMIT_HEADERS_ENABLED = False
    # Requests per personal access token (the HTTP API, rakor/api); counted in RATELIMIT_STORAGE_URI.
    API_RATE_LIMIT = _env("API_RATE_LIMIT", "600 per minute")
    # Seconds a token's lookup is kept in Redis (REDIS_URL; 0: off). A revocation or a user's
    # deactivation acts at once anyway (rakor/api/token_cache.py).
    API_TOKEN_CACHE_SECONDS = _int("API_TOKEN_CACHE_SECONDS", 60)
    # Seconds the signed-in user's row is kept in REDIS_URL (rakor/auth/session_cache.py); 0: off.
    SESSION_USER_CACHE_SECONDS = _int("SESSION_USER_CACHE_SECONDS", 60)
    # Per client address: a venue's delegates share one Wi-Fi (one public address), so this only
    # stops floods; guessing one account's password is stopped by the per-account limit, which
    # counts failed sign-ins for the e-mail typed whether or not it has an account.
    LOGIN_RATE_LIMIT = _env("LOGIN_RATE_LIMIT", "120 per minute;600 per hour")
    LOGIN_ACCOUNT_RATE_LIMIT = _env("LOGIN_ACCOUNT_RATE_LIMIT", "10 per 15 minutes")
    INVITATION_RATE_LIMIT = _env("INVITATION_RATE_LIMIT", "60 per minute")
    # "Forgot password": requests per client address, and links sent per e-mail address typed
    # (beyond it the page answers the same and sends nothing, so it cannot flood a mailbox).
    PASSWORD_RESET_RATE_LIMIT = _env("PASSWORD_RESET_RATE_LIMIT", "10 per minute;60 per hour")
    PASSWORD_RESET_ACCOUNT_LIMIT = _env("PASSWORD_RESET_ACCOUNT_LIMIT", "3 per hour")
    PASSWORD_RESET_HOURS = _int("PASSWORD_RESET_HOURS", 2)  # a reset link's lifetime
    ACCOUNT_LINK_DAYS = _int("ACCOUNT_LINK_DAYS", 7)  # a new account's set-password link

    # Development prints every message on the console (`make run` needs no mail server);
    # production sends over SMTP. "smtp", "console", "locmem", "file" or "dummy" (Flask-Mailman).
    MAIL_BACKEND = _env("MAIL_BACKEND", "console")
    MAIL_SERVER = _env("MAIL_SERVER", "localhost")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")  # STARTTLS, usually port 587
    MAIL_USE_SSL = _bool("MAIL_USE_SSL")  # implicit TLS, usually port 465
    MAIL_USERNAME = _env("MAIL_USERNAME")
    MAIL_PASSWORD = _env("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = _env("MAIL_DEFAULT_SENDER", "rakor@localhost")
    # Seconds before an unreachable server counts as a failed send (the request waits for it).
    MAIL_TIMEOUT = _int("MAIL_TIMEOUT", 10)

    # Big documents (a 1,000-row attendance sheet, the minutes of a large meeting) are rendered by
    # `flask --app wsgi documents worker` through Redis (rq) when REDIS_URL is set; without it
    # (development) every document renders in the request, as small ones always do.
    # Rendered page fragments (the meeting page) kept while their data is unchanged
    # (rakor/core/page_cache.py): "redis" shares them between workers; "memory" is for one
    # process; "off" renders every time. TTL bounds what depends on the clock.
    PAGE_CACHE = _env("PAGE_CACHE", "redis" if REDIS_URL else "off")
    PAGE_CACHE_TTL = _int("PAGE_CACHE_TTL", 120)
    # Benchmarks only (bench/meeting_day.py): each response that used the page cache says how in
    # an X-Page-Cache header (rakor/core/page_cache.py: "kept:hit", "kept:miss,miss,hit", ...).
    PAGE_CACHE_HEADER = _bool("PAGE_CACHE_HEADER", False)

    DOCUMENT_QUEUE = _env("DOCUMENT_QUEUE", "rakor-documents")
    # Rows from which a document goes to the worker: WeasyPrint needs about 15-40 ms a row here,
    # so 200 rows is where a request would start to wait several seconds.
    DOCUMENT_QUEUE_THRESHOLD = _int("DOCUMENT_QUEUE_THRESHOLD", 200)
    # Marked rows (data-part, rakor/documents/parts.py) from which a document is laid out a few
    # pages at a time and its parts joined: WeasyPrint holds about 4 MB per laid-out page until the
    # PDF is written, so the 1,000-participant minutes (132 pages) peaked at 775 MB whole. Below it
    # (about 15 pages) a document is rendered whole, as it always was.
    PDF_PARTS_FROM = _int("PDF_PARTS_FROM", 500)
    DOCUMENT_FILE_TTL = _int("DOCUMENT_FILE_TTL", 3600)  # seconds a prepared PDF is kept (in storage)
    DOCUMENT_JOB_TIMEOUT = _int("DOCUMENT_JOB_TIMEOUT", 900)  # seconds before a render is failed
    # Seconds between two runs of the reporting reminders in `flask documents worker` (0: never;
    # then run `flask reminders send` from cron). Sending is idempotent, so any interval is safe.
    REMINDER_INTERVAL = _int("REMINDER_INTERVAL", 3600)

    # The organising agency's certificate that signs final notulen and berita acara (PAdES,
    # rakor/documents/signing.py): a PKCS#12 file as BSrE issues it. SIGNING_PKCS12_DIR holds one
    # per organising agency (<agency id>.p12 with <agency id>.passphrase); SIGNING_PKCS12 is the
    # instance's own. Without either, final documents are stored unsigned (and say so).
    SIGNING_PKCS12 = _env("SIGNING_PKCS12")
    SIGNING_PKCS12_PASSPHRASE = _env("SIGNING_PKCS12_PASSPHRASE")
    SIGNING_PKCS12_DIR = _env("SIGNING_PKCS12_DIR")
    # Where `flask demo load` keeps the demo's own CA and signing certificate (demo meetings only).
    DEMO_SIGNING_DIR = _env("DEMO_SIGNING_DIR", str(BASE_DIR / "instance" / "demo-signing"))

    # Logs: "json" (one object a line, with the request id; production's default) or "text".
    LOG_FORMAT = _env("LOG_FORMAT", "text")
    LOG_LEVEL = _env("LOG_LEVEL", "INFO")
    # /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`; unset, /metrics is a 404.
    METRICS_TOKEN = _env("METRICS_TOKEN")

    UPLOAD_DIR = _env("UPLOAD_DIR", str(BASE_DIR / "instance" / "uploads"))
    # Where materials, evidence and the worker's documents live (rakor/storage): "disk" (under
    # UPLOAD_DIR; one host or a shared folder) or "s3" (an S3-compatible store, for several hosts).
    STORAGE_BACKEND = _env("STORAGE_BACKEND", "disk")
    S3_ENDPOINT_URL = _env("S3_ENDPOINT_URL")  # e.g. http://10.0.0.5:8333 (SeaweedFS, MinIO); None: AWS
    S3_BUCKET = _env("S3_BUCKET")
    S3_ACCESS_KEY_ID = _env("S3_ACCESS_KEY_ID")
    S3_SECRET_ACCESS_KEY = _env("S3_SECRET_ACCESS_KEY")
    S3_REGION = _env("S3_REGION", "us-east-1")
    # Seconds an object without a row is kept before `flask storage sweep` deletes it (an upload
    # in progress has its object before its row).
    STORAGE_SWEEP_GRACE = _int("STORAGE_SWEEP_GRACE", 3600)
    MAX_UPLOAD_MB = _int("MAX_UPLOAD_MB", 20)
    MAX_IMPORT_ROWS = _int("MAX_IMPORT_ROWS", 5000)
    # Rows from which a confirmed import runs on the document worker's queue (with REDIS_URL;
    # rakor/core/tabular/queued.py) instead of holding a web worker: the second check and the
    # write of 1,000 rows take about a second on a quiet server, several on a busy one.
    IMPORT_QUEUE_THRESHOLD = _int("IMPORT_QUEUE_THRESHOLD", 1000)
    IMPORT_JOB_TIMEOUT = _int("IMPORT_JOB_TIMEOUT", 900)  # seconds before a queued import is failed

    TZ = _env("DEFAULT_TIMEZONE", "Asia/Makassar")
    BABEL_DEFAULT_LOCALE = _env("DEFAULT_LOCALE", "id")
    BABEL_DEFAULT_TIMEZONE = TZ
    LANGUAGES = ("id", "en")
    # One catalog per feature (rakor/translations/<feature>/id/LC_MESSAGES/messages.po) so
    # features translate their own strings; Flask-Babel merges them.
    BABEL_TRANSLATION_DIRECTORIES = ";".join(
        str(p) for p in sorted((BASE_DIR / "rakor" / "translations").glob("*")) if p.is_dir()
    )
    WTF_I18N_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    # The organisation running this Rakor, shown with its mark on the sign-in page and navbar.
    ORGANIZER_NAME = _env("ORGANIZER_NAME", "Bappeda Provinsi Kalimantan Selatan")
    BOOTSTRAP_SERVE_LOCAL = True  # Bootstrap from the Bootstrap-Flask package, never a CDN
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # "Keep me signed in" lasts a fortnight, not Flask-Login's default year.
    REMEMBER_COOKIE_DURATION = timedelta(days=_int("REMEMBER_COOKIE_DAYS", 14))
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 12
    PROXY_HOPS = _int("PROXY_HOPS", 0)  # how many reverse proxies set X-Forwarded-* headers
    # Where people reach this installation. Every link that leaves the site (e-mails, QR codes,
    # tickets, the verification URL frozen into the minutes, calendars) is built on it, never on
    # the request's Host header (rakor/core/urls.py external_url); its host (plus TRUSTED_HOSTS,
    # comma-separated) is the only Host a request may name. Required in production.
    BASE_URL = _env("BASE_URL", "http://127.0.0.1:5000")
    EXTRA_TRUSTED_HOSTS = _env("TRUSTED_HOSTS", "localhost,127.0.0.1")
    HSTS = None  # Strict-Transport-Security value; production only (see rakor/core/security.py)

    @property
    def MAX_CONTENT_LENGTH(self):  # noqa: N802 - Flask's name
        return self.MAX_UPLOAD_MB * 1024 * 1024 + 64 * 1024


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = _database_url("sqlite://")
    RATELIMIT_STORAGE_URI = "memory://"
    REDIS_URL = None  # documents render inline; the queue tests point it at their own Redis db
    PAGE_CACHE = "off"  # the suite (tests/conftest.py) and the journeys turn it on
    # Limits stay on (the code path is tested) but high; tests that check a limit lower it.
    LOGIN_RATE_LIMIT = "10000 per minute"
    LOGIN_ACCOUNT_RATE_LIMIT = "10000 per minute"
    INVITATION_RATE_LIMIT = "10000 per minute"
    PASSWORD_RESET_RATE_LIMIT = "10000 per minute"
    PASSWORD_RESET_ACCOUNT_LIMIT = "10000 per minute"
    WTF_CSRF_ENABLED = False
    UPLOAD_DIR = None  # set per test run by the fixtures
    STORAGE_BACKEND = "disk"  # the storage tests build an S3 backend of their own
    # No certificate unless a test sets one up (tests/documents/test_signing.py); the demo's
    # certificates go to a folder per test run (tests/conftest.py).
    SIGNING_PKCS12 = None
    SIGNING_PKCS12_PASSPHRASE = None
    SIGNING_PKCS12_DIR = None
    DEMO_SIGNING_DIR = str(Path(tempfile.gettempdir()) / "rakor-test-demo-signing")
    MAX_UPLOAD_MB = 2
    MAX_IMPORT_ROWS = 2000
    MAIL_BACKEND = "locmem"  # tests that need a real server point MAIL_* at their own aiosmtpd
    BASE_URL = "http://localhost"  # the test client's host
    EXTRA_TRUSTED_HOSTS = "localhost,127.0.0.1"


class ProductionConfig(Config):
    ENV_NAME = "production"
    # Behind nginx the client address and scheme arrive in X-Forwarded-* headers; without this
    # every request would look like 127.0.0.1 to the rate limiter and QR links would be http://.
    PROXY_HOPS = _int("PROXY_HOPS", 1)
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    HSTS = _env("HSTS", "max-age=31536000; includeSubDomains")
    MAIL_BACKEND = _env("MAIL_BACKEND", "smtp")
    LOG_FORMAT = _env("LOG_FORMAT", "json")
    BASE_URL = _env("BASE_URL")  # no default: start-up refuses without it
    EXTRA_TRUSTED_HOSTS = _env("TRUSTED_HOSTS", "")


def config_from_env():
    return ProductionConfig if _env("RAKOR_ENV", "development") == "production" else Config
