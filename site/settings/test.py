from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-insecure-key"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAILADMIN_BASE_URL = "http://testserver"
MEDIA_ROOT = BASE_DIR / "media" / "test"  # noqa: F405
# whitenoise finds files through the finders; collectstatic is for production only.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# Tests read `response.context`, which a cached page does not have, and build pages without publishing them:
# the page cache is off here and switched on by its own tests (tests/home/test_cache.py) and the smoke test.
PAGE_CACHE_ENABLED = False
# Likewise the shared blocks: query-count tests add rows in bulk, without the signals that empty the cache.
SHARED_BLOCK_CACHE_ENABLED = False
# The tests' SQLite is an in-memory database in shared-cache mode, whose table locks never wait: transactions
# that take the write lock at BEGIN (base.py, for the demo's file database) would make the live server's threads
# and a test's flush collide.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["OPTIONS"].pop("transaction_mode", None)  # noqa: F405
# Most tests log staff in with force_login, which has no second factor: the requirement is off here and switched on
# by its own tests (tests/members/test_two_factor.py) and for every browser test (tests/browser/conftest.py).
TWO_FACTOR_REQUIRED = False
