"""Pilar settings, read from the environment.

Defaults are safe for production (DEBUG off, secure cookies, HSTS); the demo and
the test run set their own variables. See README.md for the full list.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=False)
# pytest sets PYTEST_VERSION for the whole session: tests need no secret and
# talk plain HTTP to the test client and the live server.
TESTING = "PYTEST_VERSION" in os.environ
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-pilar-development-only"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "workflow.apps_static.PilarStaticFilesConfig",
    "django_filters",
    "guardian",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "django_htmx",
    # Before viewflow, so that our error pages (400/403/404/500) win over its
    # Material ones, which load static files we never collect.
    "workflow",
    "viewflow",
    "viewflow.workflow",
    "cases",
    "accreditation",
    "monitoring",
    # After our apps, so that our templates for its pages win.
    "allauth",
    "allauth.account",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files carry the policy too.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "workflow.middleware.IndonesianFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # request.htmx: a view answers an htmx request with the part it swaps.
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "workflow.navigation.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", default=0),
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Our queries are short index lookups. PostgreSQL's JIT compiles a query
    # whose estimated cost passes jit_above_cost (100,000 by default), which a
    # count over a large table's index does: tens of milliseconds of compiling
    # for a query that runs in one or two. Off for this app's connections only.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if TESTING and DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not SQLite's shared in-memory database: the live server used by
    # browser tests answers from several threads, and only a file database
    # makes them wait for each other's locks instead of failing.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"pilar-test-{os.getpid()}.sqlite3")
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

AUTH_USER_MODEL = "workflow.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# No guardian "AnonymousUser" row: anonymous visitors hold no object grants.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "workflow:login"
LOGIN_REDIRECT_URL = "workflow:home"
LOGOUT_REDIRECT_URL = "workflow:login"

# LKS operators sign up with an email address they must confirm (django-allauth);
# staff accounts are made by their office administrator.
ACCOUNT_ADAPTER = "workflow.accounts.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Operators give their first and last name at sign-up.
ACCOUNT_SIGNUP_FORM_CLASS = "workflow.forms.SignupForm"
# Checking a reset link must not store user.email as an unverified address.
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = "workflow.accounts.EmailAwareTokenGenerator"  # noqa: S105
# Sessions end with the browser: offices share computers.
ACCOUNT_SESSION_REMEMBER = False
# Failed sign-ins: five per account (username and email count together, see
# workflow.accounts) in five minutes, twenty a minute per address; the sixth is
# refused even with the right password. Every sign-in POST: 30 a minute per address.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "20/m/ip,5/5m/key",
}
# Number of reverse proxies in front of Django whose X-Forwarded-For is
# trusted; 0 uses REMOTE_ADDR. Rate limits per address depend on it.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Pilar] "
ACCOUNT_LOGOUT_REDIRECT_URL = "workflow:login"
# A new operator lands in the LKS portal once their email is confirmed.
ACCOUNT_SIGNUP_REDIRECT_URL = "cases:portal_dashboard"

# Public pages that are rate limited (django-ratelimit) use this cache.
RATELIMIT_USE_CACHE = "default"
VIEWFLOW = {"AUTOREGISTER": False}

# History rows are an audit trail: a revert would bypass the transition service.
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS = True

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
# config/vendor_locale holds translations for packages that ship no Indonesian
# (viewflow); makemessages never rewrites it.
LOCALE_PATHS = [BASE_DIR / "config" / "locale", BASE_DIR / "config" / "vendor_locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
# Tests (and the browser tests' live server) serve static files straight from
# the apps, as the debug server does; production serves the collected copy.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not (DEBUG or TESTING)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

EMAIL_BACKEND = env_str(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "pilar@localhost")

CELERY_BROKER_URL = REDIS_URL or "memory://"
# Without a broker (the embedded default) tasks run in-process.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

# Production hardening, off only for the local debug server.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool(
    "DJANGO_SECURE_SSL_REDIRECT", default=not (DEBUG or TESTING)
)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (django.middleware.csp): no inline
# script or style anywhere, the admin included. A view that sets its own header
# (uploaded files, workflow/files.py) keeps it: the middleware does not overwrite.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}

# Key of the audit hash chain (HMAC). Keep it outside the database so that
# someone with database access alone cannot re-forge the chain.
AUDIT_HASH_KEY = env_str("PILAR_AUDIT_KEY", "")

# Passphrase that encrypts each office's signing key at rest. Empty: derived
# from SECRET_KEY (HKDF-SHA256, see workflow.issuance.signers), so rotating
# SECRET_KEY then needs the keys re-encrypted; production should set it.
PILAR_SIGNING_KEY_PASSPHRASE = env_str("PILAR_SIGNING_KEY_PASSPHRASE", "")
# Absolute address of this site, printed in the certificate's QR code.
PILAR_PUBLIC_BASE_URL = env_str("PILAR_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
