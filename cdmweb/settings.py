"""One settings module, driven by the environment, with safe local defaults."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DJANGO_DEBUG", True)

# The fallback key only ever serves local development; without DEBUG a real one is required.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY: production (DJANGO_DEBUG=0) has no default key.")
    SECRET_KEY = "insecure-local-development-key-change-me"

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials.apps.SimpleAppConfig",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks",
    "django_tasks_db",
    "cdmweb.accounts",
    "cdmweb.catalog",
    "cdmweb.jobs",
    "cdmweb.sandbox",
]

# Error pages and reports (the debug page included) hide every value that can hold a secret.
DEFAULT_EXCEPTION_REPORTER_FILTER = "cdmweb.security.SecretHidingReporterFilter"
DEFAULT_EXCEPTION_REPORTER = "cdmweb.security.SecretScrubbingReporter"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cdmweb.security.ContentSecurityPolicyMiddleware",
    "cdmweb.security.RejectNulMiddleware",
    # Static files straight from the app servers (collected, compressed, cache-busted): no CDN.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The user's language: the switch in the menu (a cookie), else the browser's Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A logged-in user's saved language (the switch remembers it on the user) beats the cookie.
    "cdmweb.accounts.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "cdmweb.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # django-template-partials' loader serves "page.html#partial"; Django 6 has this built in.
            "loaders": [
                (
                    "template_partials.loader.Loader",
                    [
                        (
                            "django.template.loaders.cached.Loader",
                            [
                                "django.template.loaders.filesystem.Loader",
                                "django.template.loaders.app_directories.Loader",
                            ],
                        )
                    ],
                )
            ],
            "builtins": ["template_partials.templatetags.partials"],
            # Django's i18n tags, a constant {% translate %} rendered once per language:
            # templates {% load cdmweb_i18n %} where they would load i18n.
            "libraries": {"cdmweb_i18n": "cdmweb.templating.i18n"},
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cdmweb.jobs.context_processors.review_queue",
            ],
        },
    },
]

WSGI_APPLICATION = "cdmweb.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a command writes; the busy timeout rides out short locks.
    # IMMEDIATE transactions take the write lock up front, so two writers queue on the timeout
    # instead of one failing with "database is locked" when a read turns into a write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
        }
    )
    # Tests on a file, not in memory: an in-memory database shared by the live server's threads
    # fails overlapping requests at once ("table is locked") instead of waiting as a file does.
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", str(BASE_DIR / "var" / "test-db.sqlite3"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The user is read with their saved language in one query. Django's own backend stays listed so a
# session it signed in before keeps working (Django logs out a session whose backend is gone).
AUTHENTICATION_BACKENDS = [
    "cdmweb.accounts.backends.ModelBackendWithPreference",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English unless the browser (or the menu's switch) asks for Simplified Chinese. Job JSON, input
# names, connector names and CDM codes are never translated.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
# Compiled at setup (scripts/setup-env runs compilemessages); only the .po files are in git.
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers per language (cdmweb/formats/<language>/formats.py), before Django's own.
FORMAT_MODULE_PATH = ["cdmweb.formats"]
# The zone pages show times in (stored in UTC whatever it is); a team in China sets Asia/Shanghai.
TIME_ZONE = os.environ.get("CDMWEB_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Production serves the collected files under hashed names (run `collectstatic` first); the
# embedded path and the tests read them from their folders.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Bootstrap comes from npm's registry and is compiled from its Sass by the setup command
    # (assets/bootstrap.scss); never from a CDN.
    ("bootstrap", BASE_DIR / "build" / "bootstrap"),
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# A team admin's target names where its secrets come from; only variables with this prefix may
# be named, so no one can point a target at another secret of the server (DJANGO_SECRET_KEY...).
CDMWEB_TEAM_SECRET_PREFIX = os.environ.get("CDMWEB_TEAM_SECRET_PREFIX", "CDM_TARGET_")
# Hosts a target's endpoint may name (patterns, comma-separated): "*" is any public host; a private
# address must be named exactly (see cdmweb/jobs/submissions/endpoints.py).
CDMWEB_TARGET_HOSTS = os.environ.get("CDMWEB_TARGET_HOSTS", "*").split(",")
# Target secrets are stored encrypted (cdmweb/crypto.py): this key, else one derived from SECRET_KEY.
CDMWEB_SECRETS_KEY = os.environ.get("CDMWEB_SECRETS_KEY", "")
CDMWEB_SECRETS_OLD_KEYS = os.environ.get("CDMWEB_SECRETS_OLD_KEYS", "")
# Where seed_demo keeps the demo passwords it generated (one file per database you seed).
CDMWEB_DEMO_LOGIN_FILE = os.environ.get("CDMWEB_DEMO_LOGIN_FILE", "var/demo-login.txt")
# Imports larger than this are refused with a message rather than read into memory.
CDMWEB_MAX_IMPORT_BYTES = int(os.environ.get("CDMWEB_MAX_IMPORT_BYTES", str(8 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = CDMWEB_MAX_IMPORT_BYTES + 1024 * 1024

# Background work. "immediate": tasks run at once in the process that queues them (the embedded
# default: nothing else to start). "database": they wait in the database for `manage.py
# db_worker` processes, which is how production runs (see README, "Production").
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
CDMWEB_TASKS = os.environ.get("CDMWEB_TASKS", "immediate")
if CDMWEB_TASKS not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"CDMWEB_TASKS must be one of {', '.join(TASK_BACKENDS)}, not {CDMWEB_TASKS!r}")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[CDMWEB_TASKS]}}
# A worker holds a submission this long while it talks to CDM; if it dies, another takes over after.
CDMWEB_SUBMISSION_LEASE_SECONDS = float(os.environ.get("CDMWEB_SUBMISSION_LEASE_SECONDS", "60"))
# How often a running job's status is asked for.
CDMWEB_POLL_SECONDS = float(os.environ.get("CDMWEB_POLL_SECONDS", "1"))
# A running job's status polls that fail for this long (CDM unreachable) end the submission.
CDMWEB_POLL_GIVE_UP_SECONDS = float(os.environ.get("CDMWEB_POLL_GIVE_UP_SECONDS", "600"))
# How often an open designer asks whether someone else changed its draft (0: never).
CDMWEB_DESIGNER_WATCH_SECONDS = float(os.environ.get("CDMWEB_DESIGNER_WATCH_SECONDS", "15"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# The embedded CDM sandbox: CDM's API served by this same app, so nothing needs a cloud account.
# On by default for local use, off by default in production (DJANGO_DEBUG=0).
CDM_SANDBOX_ENABLED = env_bool("CDM_SANDBOX_ENABLED", DEBUG)
# Where the default "sandbox" target sends its requests: this app's own server by default.
# Where the sandbox target sends requests: this same server, so on the port it serves (./run's PORT).
CDM_SANDBOX_URL = os.environ.get("CDM_SANDBOX_URL") or f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}"
# Demo credentials: not secrets, they open only the sandbox. ./run prints them.
CDM_SANDBOX_AK = os.environ.get("CDM_SANDBOX_AK", "SANDBOXDEMOACCESSKEY0")
CDM_SANDBOX_SK = os.environ.get("CDM_SANDBOX_SK", "sandbox-demo-secret-key-not-for-real-use")
CDM_SANDBOX_PROJECT_ID = os.environ.get("CDM_SANDBOX_PROJECT_ID", "0a1b2c3d4e5f60718293a4b5c6d7e8f9")
CDM_SANDBOX_USER = os.environ.get("CDM_SANDBOX_USER", "sandbox-user")
CDM_SANDBOX_PASSWORD = os.environ.get("CDM_SANDBOX_PASSWORD", "sandbox-password")
# How long a sandbox job boots and then runs, in seconds.
CDM_SANDBOX_BOOT_SECONDS = float(os.environ.get("CDM_SANDBOX_BOOT_SECONDS", "1"))
CDM_SANDBOX_RUN_SECONDS = float(os.environ.get("CDM_SANDBOX_RUN_SECONDS", "4"))

# --- caches, sessions, security --------------------------------------------------------------

# Shared by every app server and worker: the IAM token cache and the login rate limit. Redis
# where REDIS_URL is set; else a table in the database (`createcachetable`), which is shared too.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cdmweb_cache"}}
# Sessions live in the database, so any app server can serve any request.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Failed log-ins allowed per user name and address, and per address, within the window.
CDMWEB_LOGIN_FAILURES = int(os.environ.get("CDMWEB_LOGIN_FAILURES", "5"))
CDMWEB_LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("CDMWEB_LOGIN_FAILURES_PER_ADDRESS", "50"))
CDMWEB_LOGIN_WINDOW_SECONDS = int(os.environ.get("CDMWEB_LOGIN_WINDOW_SECONDS", "900"))

# HTTPS everywhere once DEBUG is off; the local production-like stack (no TLS) turns these off
# explicitly. Behind a TLS-terminating load balancer, set DJANGO_BEHIND_TLS_PROXY=1.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Pages read the CSRF token from the template (htmx sends it as a header), never from the cookie.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_REFERRER_POLICY = "same-origin"
# No inline script anywhere (htmx is configured by a <meta> tag); images may be data: URIs
# because Bootstrap's CSS draws its icons that way.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
