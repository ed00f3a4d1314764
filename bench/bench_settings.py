"""Production settings as the benchmark serves them: plain HTTP on 127.0.0.1 (no nginx), nothing else changed."""

from dangjian.settings.production import *  # noqa: F403
from dangjian.settings.production import WAGTAILSEARCH_BACKENDS, env_bool

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Generating 10,000 notices does not index each one: the search index is built once afterwards, if asked.
WAGTAILSEARCH_BACKENDS["default"]["AUTO_UPDATE"] = env_bool("BENCH_SEARCH_AUTO_UPDATE", True)
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W004", "security.W008", "security.W012", "security.W016"]  # noqa: F405
ROOT_URLCONF = "bench_urls"
