"""Settings shared by every environment; dev, test and production adjust them."""

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE

from .env import env_bool, env_int, env_list, env_str

PROJECT_DIR = Path(__file__).resolve().parent.parent  # site/, imported as `dangjian`
BASE_DIR = PROJECT_DIR.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    # Our apps: members is the floor, home stands on it, the sections stand on both.
    "members",
    "home",
    "disclosures",
    "volunteers",
    "awards",
    "learning",
    "messaging",
    "security",
    "wagtailmedia",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.table_block",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "axes",
    "csp",
    # TOTP second factor for the admin (members/two_factor.py).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the page cache, so that cached pages get them too; outside the session, which they read (headers.py).
    "dangjian.headers.SecurityHeadersMiddleware",
    "dangjian.headers.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session: a cached page for an anonymous visitor is answered without the session or the database.
    "home.cache.AnonymousPageCacheMiddleware",
    # The request's Wagtail Site from the shared cache (a query per request otherwise).
    "home.cache.SharedSiteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dangjian.sessions.IdleSessionRenewalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "security.audit.AuditRequestMiddleware",  # who acts, from where, for the audit events of services and signals
    "django.contrib.messages.middleware.MessageMiddleware",
    "members.middleware.ForcePasswordChangeMiddleware",  # an initial password must be changed before anything else
    "members.two_factor.TwoFactorMiddleware",  # django-otp's, and /admin/ only after the second factor
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # django-axes must come last: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dangjian.urls"
WSGI_APPLICATION = "dangjian.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "home.context_processors.display_mode",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two requests that write at once (the editor's autosave beside his "submit") would fail with "database is
    # locked": writers take the lock when their transaction begins and wait for it, readers never block them (WAL).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "dangjian.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The anonymous page cache (home/cache.py): whole pages for visitors without a session, for this many seconds at
# most; publishing, unpublishing, moving or deleting any page, or saving one of these models, empties it at once.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", True)
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
PAGE_CACHE_ALIAS = "default"
# Blocks shared by many viewers (the home page's section blocks, home.sections.cached_home_section) are cached
# under the same generation, for logged-in members too: their pages are never cached whole.
SHARED_BLOCK_CACHE_ENABLED = True
PAGE_CACHE_EXCLUDED_PATHS = [
    "/admin/",
    "/accounts/",
    "/me/",
    "/messages/",
    "/documents/",
    "/private-images/",
    "/display-mode/",
    "/django-admin/",
]
PAGE_CACHE_INVALIDATING_MODELS = [
    "wagtailcore.Site",
    "home.SiteSettings",
    "home.SiteImage",
    "home.SiteDocument",
    "disclosures.NoticeCategory",
    "members.Organization",
    "disclosures.NoticeAttachment",
    "volunteers.ServiceSlot",
    "volunteers.SignUp",
    "awards.Finalization",
    "awards.FinalResult",
    "wagtailredirects.Redirect",
    "wagtailcore.PageViewRestriction",
]

# Wagtail's frontend cache invalidation, for an nginx (or CDN) cache in front: set FRONTEND_CACHE_PURGE_URL to the
# purge location (e.g. http://127.0.0.1:8080/purge); published and unpublished pages are then purged there too.
FRONTEND_CACHE_PURGE_URL = env_str("FRONTEND_CACHE_PURGE_URL", "")
if FRONTEND_CACHE_PURGE_URL:
    INSTALLED_APPS.append("wagtail.contrib.frontend_cache")
    WAGTAILFRONTENDCACHE = {
        "nginx": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": FRONTEND_CACHE_PURGE_URL,
        }
    }

# Tasks run in the request on the immediate backend: no worker to run on a small intranet server.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Mail: the workflow's notices (Wagtail's notifiers) and messaging.send. Without EMAIL_HOST mail is written to the
# log (console backend): every message is in the recipient's inbox on the site (/messages/) in any case.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("EMAIL_FROM", "机关党建网 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = DEFAULT_FROM_EMAIL
# Separation of duties: the superuser is not a reviewer; the task's own group is told.
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False

# The reverse proxies whose X-Forwarded-For is believed (dangjian.http.client_address): nginx on the same server.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", ["127.0.0.1", "::1"])

# Accounts (等保 2.0 level 3): the password policy of members/validators.py, login protection on django-axes.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "members.auth.MemberModelBackend",
]
# 等保 2.0 level 3: 8 characters or more, three of four kinds, none of the common or Chinese patterns
# (members/validators.py; each refusal says why in Chinese).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "members.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "members.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "members.validators.ChinesePatternValidator"},
    {"NAME": "members.validators.PersonalPinyinValidator"},
]
LOGIN_URL = "login"
# Pages an editor marks "private, login required" send visitors to the site's own login page, not Wagtail's.
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
LOGIN_REDIRECT_URL = "me"
LOGOUT_REDIRECT_URL = "/"

# Login protection (members/login_protection.py): a wrong password holds back one account on one address only,
# with a delay that grows from 1 minute, doubling up to LOGIN_LOCKOUT_MINUTES; one address failing for many accounts
# is held back by itself. A stranger can never lock a member out of his own device.
AXES_HANDLER = "members.login_protection.LoginProtectionHandler"
AXES_LOCKOUT_CALLABLE = "members.login_protection.lockout_response"
AXES_CLIENT_IP_CALLABLE = "dangjian.http.client_address"  # the trusted proxy's last X-Forwarded-For hop
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FIRST_DELAY_MINUTES = 1
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 30)  # the longest delay
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 30)
LOGIN_ADDRESS_WINDOW_MINUTES = env_int("LOGIN_ADDRESS_WINDOW_MINUTES", 15)
# How long a failure is remembered at all (hours): the delay keeps growing while failures come within a day.
AXES_COOLOFF_TIME = 24
# Tries refused during a delay are not recorded: waiting it out is enough.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Two-factor authentication (TOTP) for every account that may enter the admin (members/two_factor.py).
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", True)
OTP_TOTP_ISSUER = "机关党建网"  # the name the authenticator app shows beside the account
OTP_TOTP_THROTTLE_FACTOR = 1  # after n wrong codes in a row the next is accepted only 2**(n-1) seconds later

# The security audit log (security app) is kept this many days; 等保 2.0 asks for at least 180 (checked).
SECURITY_AUDIT_RETENTION_DAYS = env_int("SECURITY_AUDIT_RETENTION_DAYS", 365)

# Sessions end after this many idle minutes (等保 2.0): a request renews the session's age, with one write a
# minute at most (dangjian.sessions).
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_RENEW_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LANGUAGES = [("zh-hans", "简体中文")]
# The project's own translations: Wagtail's zh_Hans catalogue leaves part of its admin in English (locale/README.md).
LOCALE_PATHS = [BASE_DIR / "locale"]
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文")]
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", "简体中文")]
# One time zone for everyone: the account page would otherwise offer some 600 English zone names.
WAGTAIL_USER_TIME_ZONES = ["Asia/Shanghai"]
WAGTAILADMIN_USER_LOGIN_FORM = "home.admin_forms.AdminLoginForm"

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = BASE_DIR / "static"
STATIC_URL = "/static/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
# A lesson plays its video or audio: a new file for media that live lessons play must still cover their study time.
WAGTAILMEDIA = {"MEDIA_FORM_BASE": "learning.forms.LessonMediaForm"}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Wagtail
WAGTAIL_SITE_NAME = "机关党建网"
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# Wagtail's database backend; on SQLite with title matches weighted above body matches (home/search_backend.py).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "home.search_backend"}}
WAGTAILIMAGES_IMAGE_MODEL = "home.SiteImage"
WAGTAILDOCS_DOCUMENT_MODEL = "home.SiteDocument"
# Documents always pass through Wagtail's serve view, where the disclosures section checks who may read them.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# vtt: a video lesson's captions (WebVTT), served to the lesson's members by learning's checked view.
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "wps", "ofd", "txt", "zip", "rar", "vtt"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# Intranet-ready: no request may leave the server.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True
# An edit after submission must be approved again: what is approved is what gets published.
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAIL_FINISH_WORKFLOW_ACTION = "home.workflows.publish_approved"
WAGTAIL_DATE_FORMAT = "%Y-%m-%d"
WAGTAIL_DATETIME_FORMAT = "%Y-%m-%d %H:%M"

# The Wagtail page preview runs in a same-origin frame, so pages may be framed by their own site only.
X_FRAME_OPTIONS = "SAMEORIGIN"

# Content-Security-Policy (django-csp, dangjian.headers): the site and members' pages run only the site's own
# scripts and styles (static files: no inline <script>, no style="" attribute, no onclick=).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "frame-ancestors": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}
# Wagtail's admin and its page previews (under /admin/) run inline scripts and styles of Wagtail's own, and show
# uploads being chosen (blob: images and media): they get this policy instead, which still refuses plug-ins, other
# sites' scripts, framing by other sites and forms posting elsewhere.
CONTENT_SECURITY_POLICY_ADMIN = {
    "URL_PREFIXES": ("/admin/",),
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "media-src": [SELF, "blob:"],
        "font-src": [SELF, "data:"],
        "worker-src": [SELF, "blob:"],
        "frame-ancestors": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}
SILENCED_SYSTEM_CHECKS = ["security.W019"]
