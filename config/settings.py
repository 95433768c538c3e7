"""Settings of the НМО platform. Every value comes from the environment (see .env.example);
the defaults let a fresh clone run on SQLite with no other server."""

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_networks, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "")
_secret_key_file = env_str("DJANGO_SECRET_KEY_FILE", "")
if not SECRET_KEY and _secret_key_file:
    # `make run` keeps a generated key in var/secret_key (git-ignored, ADR 0013).
    SECRET_KEY = Path(_secret_key_file).read_text(encoding="utf-8").strip()
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "dev-only-insecure-key-change-me"  # noqa: S105 (DEBUG only)
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# The public address, base of every absolute link (QR codes, e-mails, exports). Empty: a
# link takes the address of the request it is made for; work with no request (a task not
# started by one, a command) takes SITE_URL_FALLBACK (nmo.core.links, ADR 0013).
SITE_URL = env_str("SITE_URL", "")
SITE_URL_FALLBACK = env_str("SITE_URL_FALLBACK", "http://127.0.0.1:8000")
# The videoconference service whose room is offered by default for a remote attestation
# (a Jitsi Meet server; the department may give any https link instead).
JITSI_BASE_URL = env_str("JITSI_BASE_URL", "https://meet.jit.si")
if not JITSI_BASE_URL.startswith("https://"):
    raise ImproperlyConfigured("JITSI_BASE_URL must be an https:// address")

INSTALLED_APPS = [
    # Django admin with the app's throttled login, for administrators only (ADR 0021).
    "nmo.accounts.admin_config.NmoAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # its templates and static files: the API docs work offline (ADR 0013)
    "nmo.core",
    "nmo.accounts",
    "nmo.workcalendar",
    "nmo.catalog",
    "nmo.cycles",
    "nmo.codes",
    "nmo.regulations",
    "nmo.programmes",
    "nmo.attestation",
    "nmo.testing",
    "nmo.appeals",
    "nmo.documents",
    "nmo.sync",
    "nmo.printing",
    "nmo.web",
    "nmo.demo",
    "nmo.api",
    # The credit portal's OAuth 2.0 provider (ADR 0501); after nmo.sync, whose Russian
    # consent page replaces its own.
    "oauth2_provider",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "nmo.api.middleware.ApiJsonErrorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "nmo.core.middleware.RequestContextMiddleware",
    "nmo.core.unstorable.UnstorableInputMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "nmo.web.context_processors.navigation",
            ],
        },
    },
]

# A connection pooler between the app and PostgreSQL: "" (none) or "pgbouncer" (transaction
# mode; ADR 0604). Session state does not survive a transaction behind it.
DATABASE_POOLER = env_str("DATABASE_POOLER", "").strip().lower()
if DATABASE_POOLER not in {"", "pgbouncer"}:
    raise ImproperlyConfigured(
        f"DATABASE_POOLER must be empty or pgbouncer, got {DATABASE_POOLER!r}"
    )
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        # A kept connection is checked before a request (or a worker's loop) reuses it: one
        # the server dropped (a restart, `pg_terminate_backend`) is replaced, not a 500.
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the task worker share the file;
    # in WAL mode synchronous=NORMAL is safe from corruption and spares an fsync a commit.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            # A transaction takes the write lock at BEGIN and waits for it up to the
            # timeout; a deferred one that reads, then writes, fails at once when another
            # process (a gunicorn worker, the task worker) is writing.
            "transaction_mode": "IMMEDIATE",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A statement run this many times on a connection is prepared, if its cursor binds on
    # the server: only `nmo.core.sql.prepared_cursor` and the pipelined audit append of
    # `nmo.core.services.change_with_audit` do (the code activation, ADR 0203/0610);
    # Django's cursors bind on the client and never prepare. 0 turns it off (a pooler in
    # transaction mode cannot keep prepared statements).
    threshold = env_int("DATABASE_PREPARE_THRESHOLD", 5)
    if DATABASE_POOLER == "pgbouncer":
        # PgBouncer in transaction mode (ADR 0604) hands each transaction to any server
        # connection: a statement prepared on one is missing on the next, and a cursor
        # declared WITH HOLD outside a transaction (Django's `.iterator()` in autocommit)
        # lives on a connection the next FETCH may not get. Neither is used behind it.
        threshold = 0
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = threshold or None
# A streaming replica (ADR 0605): when REPLICA_DATABASE_URL is set, the public catalogue,
# the verification pages and the reports (REPLICA_READ_VIEWS, `namespace:name` patterns)
# read from it, unless the browser's last write has not reached it yet; everything else,
# and every write, goes to DATABASE_URL. Unset: one database, nothing routed.
REPLICA_READ_VIEWS = env_list(
    "REPLICA_READ_VIEWS",
    [
        "catalog:catalogue",
        "catalog:specialties",
        "catalog:activity_detail",
        "catalog:programme_detail",
        "api-v1:catalogue",
        "api-v1:catalogue_programmes",
        "api-v1:specialties",
        "codes:verify",
        "cycles:verify_entry",
        "documents:verify",
        "api-v1:verify_document",
        "documents:register",
        "documents:frdo_export",
        "cycles:cycle_report",
    ],
)
# How long a writer's cookie may keep them on the primary (it is dropped as soon as the
# replica has replayed their write), and how long a replica that did not answer is left.
REPLICA_PIN_MAX_SECONDS = env_int("REPLICA_PIN_MAX_SECONDS", 3600)
REPLICA_RETRY_SECONDS = env_int("REPLICA_RETRY_SECONDS", 30)
if env_str("REPLICA_DATABASE_URL", ""):
    DATABASES["replica"] = dj_database_url.parse(
        env_str("REPLICA_DATABASE_URL", ""),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", True),
    )
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("REPLICA_DATABASE_URL must name a PostgreSQL streaming replica")
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    # Tests never read a second copy: the alias is the test database itself.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["nmo.core.db_router.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
        "nmo.core.db_router.ReplicaMiddleware",
    )
# The role that owns the schema (ADR 0023): `DATABASE_URL` is the application's role, with
# only the DML it needs; the commands that change the schema (migrate, flush,
# grant_app_role, and prepare through migrate) switch the connection to these credentials
# for their run. Empty: one role does everything (SQLite, or a single-role installation).
DATABASE_OWNER: dict[str, Any] | None = None
if env_str("DATABASE_OWNER_URL", ""):
    _owner = dj_database_url.parse(env_str("DATABASE_OWNER_URL", ""))
    if (
        _owner["ENGINE"] != DATABASES["default"]["ENGINE"]
        or _owner["NAME"] != DATABASES["default"]["NAME"]
    ):
        raise ImproperlyConfigured(
            "DATABASE_OWNER_URL must name the database of DATABASE_URL, with the owner's role"
        )
    DATABASE_OWNER = {k: _owner[k] for k in ("USER", "PASSWORD", "HOST", "PORT")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:login"
# After login: the role's start page (nmo.web.navigation.START_PAGES), unless a safe `next`.
LOGIN_REDIRECT_URL = "web:start"
LOGOUT_REDIRECT_URL = "web:home"
# Argon2id first (ADR 0014); the others only verify older hashes, which are re-hashed
# with Argon2 at the account's next successful login.
PASSWORD_HASHERS = [
    "nmo.accounts.hashers.NmoArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60 * 24)

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as ДД.ММ.ГГГГ on every page and in every form (config/formats/ru/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names and gzip copies, served by WhiteNoise after `collectstatic`.
    "staticfiles": {"BACKEND": "config.static_storage.StaticStorage"},
}
# Only the hashed copies are kept (config/static_storage.py).
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))

# Request limits: oversized bodies and fields get a 4xx, never a 500.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)

_redis_url = env_str("REDIS_URL", "")
if _redis_url:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": _redis_url,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                # A Redis that does not answer is a refusal within a second or two (the
                # throttled doors answer 503, ADR 0021), never a worker stuck on a socket.
                "SOCKET_CONNECT_TIMEOUT": env_int("REDIS_CONNECT_TIMEOUT", 1),
                "SOCKET_TIMEOUT": env_int("REDIS_SOCKET_TIMEOUT", 2),
            },
        }
    }
elif env_str("CACHE_DIR", ""):
    # Several processes on one machine without Redis (`make run`: gunicorn's workers) share
    # the throttle counters through files; one process's memory would count apart.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env_str("CACHE_DIR", ""),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The two portals (ADR 0501): this deployment plays the cycle portal ("cycles": cycles,
# plan, programmes), the credit portal ("credits": events, modules, codes) or both (the
# default). A one-role deployment names the other one: its address and, on both sides,
# the OAuth 2.0 client the cycle portal signs in with (faq-sync-once, faq-activate-where).
PORTAL_ROLES = env_list("NMO_PORTAL_ROLES", ["cycles", "credits"])
OTHER_PORTAL_URL = env_str("NMO_OTHER_PORTAL_URL", "").rstrip("/")
OTHER_PORTAL_NAME = env_str("NMO_OTHER_PORTAL_NAME", "")
SYNC_CLIENT_ID = env_str("NMO_SYNC_CLIENT_ID", "")
SYNC_CLIENT_SECRET = env_str("NMO_SYNC_CLIENT_SECRET", "")
# The FRDO export of a year with this many documents or more is written by a background
# job (the person waits on its page); fewer are the answer to the request (ADR 0607).
FRDO_EXPORT_JOB_THRESHOLD = env_int("FRDO_EXPORT_JOB_THRESHOLD", 500)
# The administrators' page verifies a live audit log of this many entries or more in a
# background job (about 30,000 entries a second: a national log takes minutes; ADR 0615).
AUDIT_VERIFY_JOB_THRESHOLD = env_int("AUDIT_VERIFY_JOB_THRESHOLD", 100_000)
# A background job's result file (an export may carry names and SNILS) is kept this many
# working days after the job finished, then deleted by `purge_job_results` (ADR 0611).
JOB_RESULT_KEEP_WORKING_DAYS = env_int("JOB_RESULT_KEEP_WORKING_DAYS", 10)
# Seconds between two synchronisations of a linked account, the longest retry pause, and
# the credit records asked for in one request.
SYNC_INTERVAL_SECONDS = env_int("NMO_SYNC_INTERVAL_SECONDS", 15 * 60)
SYNC_RETRY_MAX_SECONDS = env_int("NMO_SYNC_RETRY_MAX_SECONDS", 60 * 60)
SYNC_BATCH_SIZE = env_int("NMO_SYNC_BATCH_SIZE", 100)
# The cycle portal keeps the credit portal's tokens encrypted (ADR 0502): Fernet keys,
# comma-separated, the first encrypts and all decrypt (rotation: put the new key first,
# drop the old one once every link has synchronised). Unset: derived from SECRET_KEY.
SYNC_TOKEN_KEYS = env_list("NMO_SYNC_TOKEN_KEYS", [])
# django-oauth-toolkit, the credit portal's provider: authorization code with PKCE only,
# one read-only scope.
OAUTH2_PROVIDER = {
    "PKCE_REQUIRED": True,
    "SCOPES": {"credits": "Чтение записей о кредитах"},
    "DEFAULT_SCOPES": ["credits"],
    # http redirect addresses only in development and the tests (DEBUG on).
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"] if DEBUG else ["https"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": 60 * 60,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # RFC 9700 (OAuth 2.0 Security BCP) behaviour now, not at django-oauth-toolkit 4.0.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
}

# Background work: the immediate backend runs a task at enqueue time (after commit);
# production sets TASKS_BACKEND=database and runs `manage.py run_worker` (db_worker that
# reconnects, ADR 0027).
_tasks_backend = env_str("TASKS_BACKEND", "immediate")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }.get(_tasks_backend, _tasks_backend)
    }
}

# By default each letter is written to EMAIL_FILE_PATH as an .eml file, with one log line
# (nmo.core.mail); production sets the SMTP backend.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "nmo.core.mail.EmlFileBackend")
EMAIL_FILE_PATH = Path(env_str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail")))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "НМО <noreply@nmo.local>")

# Brute-force throttling (ADR 0014, OWASP ASVS 2.2.1). A window starts at the first failure.
# An account's window: wrong passwords of one account at one address, failed activations
# of one specialist (from any address).
THROTTLE_WINDOW_SECONDS = env_int("THROTTLE_WINDOW_SECONDS", 15 * 60)
THROTTLE_LOGIN_FAILURES = env_int("THROTTLE_LOGIN_FAILURES", 10)
THROTTLE_ACTIVATION_FAILURES = env_int("THROTTLE_ACTIVATION_FAILURES", 10)
# The ceilings' window: wrong passwords of one account from all addresses, and failures
# from one address (logins and activations counted apart). A hospital behind one NAT
# never reaches the address ceiling by honest mistakes; past it a correct password still
# opens an account known at the address, and a specialist's correct code still counts
# unless they have failed THROTTLE_ADDRESS_ALLOWANCE times themselves.
THROTTLE_CEILING_WINDOW_SECONDS = env_int("THROTTLE_CEILING_WINDOW_SECONDS", 60 * 60)
THROTTLE_LOGIN_ACCOUNT_FAILURES = env_int("THROTTLE_LOGIN_ACCOUNT_FAILURES", 100)
THROTTLE_ADDRESS_FAILURES = env_int("THROTTLE_ADDRESS_FAILURES", 1000)
THROTTLE_ADDRESS_ALLOWANCE = env_int("THROTTLE_ADDRESS_ALLOWANCE", 3)
# How long an address an account signed in from stays "known" to it.
THROTTLE_KNOWN_ADDRESS_DAYS = env_int("THROTTLE_KNOWN_ADDRESS_DAYS", 30)
# Seconds a client is told to wait (Retry-After) when the counters' store does not answer
# and a throttled door refuses with 503 (ADR 0021).
THROTTLE_UNAVAILABLE_RETRY_SECONDS = env_int("THROTTLE_UNAVAILABLE_RETRY_SECONDS", 60)
# Django admin (/admin/) answers only from these networks (CIDR, comma-separated; empty:
# from anywhere) and only to administrators; everyone else gets 404 (ADR 0021).
ADMIN_ALLOWED_NETWORKS = env_networks("ADMIN_ALLOWED_NETWORKS")
# How many requests behind a proxy to trust X-Forwarded-For from (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# The key of the audit log's hash chain and of the seals of frozen documents (ADR 0024);
# derived from SECRET_KEY when unset. Set it in production and never change it.
INTEGRITY_KEY = env_str("NMO_INTEGRITY_KEY", "")

# Registration and password reset against enumeration (ADR 0022). A registration refused
# because its e-mail or SNILS is taken counts against the address: at the limit the address
# waits for the window's end. Reset requests count per e-mail (letters to one mailbox) and
# per address.
THROTTLE_REGISTRATION_FAILURES = env_int("THROTTLE_REGISTRATION_FAILURES", 5)
THROTTLE_REGISTRATION_WINDOW_SECONDS = env_int("THROTTLE_REGISTRATION_WINDOW_SECONDS", 60 * 60)
THROTTLE_RESET_ACCOUNT_REQUESTS = env_int("THROTTLE_RESET_ACCOUNT_REQUESTS", 3)
THROTTLE_RESET_ADDRESS_REQUESTS = env_int("THROTTLE_RESET_ADDRESS_REQUESTS", 30)
THROTTLE_RESET_WINDOW_SECONDS = env_int("THROTTLE_RESET_WINDOW_SECONDS", 60 * 60)
# An API token unused this many days stops working (ADR 0022).
API_TOKEN_IDLE_DAYS = env_int("API_TOKEN_IDLE_DAYS", 30)

# The version of the personal-data consent text a user agrees to (152-ФЗ, npc-1.2).
PERSONAL_DATA_CONSENT_VERSION = env_str("PERSONAL_DATA_CONSENT_VERSION", "2026-01")

# HTTPS (ADR 0027). The defaults keep a plain-HTTP server working (`make run`, the
# benches); docs/deploy.md sets the production values, with which `check --deploy` is clean
# (tests/test_security_headers.py).
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# The header a TLS-terminating proxy sets to "https"; trust it only behind such a proxy
# (empty: none). By default trusted when DEBUG is off, as before.
_proxy_ssl_header = env_str(
    "SECURE_PROXY_SSL_HEADER", "" if DEBUG else "HTTP_X_FORWARDED_PROTO"
).strip()
SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header, "https") if _proxy_ssl_header else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp, ADR 0027): scripts, styles, fonts and images only
# from the site itself, no inline script or style (the pages keep theirs in static files);
# `data:` images for the QR codes and Swagger UI's icons. CSP_MODE: enforce (default),
# report-only, off. CSP_REPORT_URI: where browsers send violations (empty: nowhere).
_csp_directives: dict[str, list[str] | str] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
if OTHER_PORTAL_URL:
    # Linking the portals (ADR 0501): a form here is answered by a redirect to the other
    # portal (to its consent page, back from it), which form-action also governs.
    _other = urlsplit(OTHER_PORTAL_URL)
    _csp_directives["form-action"] = ["'self'", f"{_other.scheme}://{_other.netloc}"]
if env_str("CSP_REPORT_URI", ""):
    _csp_directives["report-uri"] = env_str("CSP_REPORT_URI", "")
CSP_MODE = env_str("CSP_MODE", "enforce").strip().lower()
if CSP_MODE not in {"enforce", "report-only", "off"}:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"CSP_MODE must be enforce, report-only or off, got {CSP_MODE!r}")
_csp: dict[str, Any] = {"DIRECTIVES": _csp_directives}
CONTENT_SECURITY_POLICY: dict[str, Any] | None = _csp if CSP_MODE == "enforce" else None
CONTENT_SECURITY_POLICY_REPORT_ONLY: dict[str, Any] | None = (
    _csp if CSP_MODE == "report-only" else None
)

# One line a request (gunicorn's access log) and one a letter; what a library says on its
# way (WeasyPrint's steps, fontTools' subsetting, the task worker's bookkeeping) only from
# a warning up.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"quiet_libraries": {"()": "nmo.core.logs.QuietLibraries"}},
    "formatters": {
        "plain": {
            "format": "[%(asctime)s] %(levelname)s %(name)s: %(message)s",
            "datefmt": "%Y-%m-%d %H:%M:%S",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["quiet_libraries"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
