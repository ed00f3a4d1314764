"""Production settings: refuse to start half-configured, and pass `check --deploy` with the README's example."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def readme_production_environment():
    """The `export NAME=value` lines of the README's production example."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    exports = re.findall(r"^export (\w+)=(.+)$", readme, flags=re.MULTILINE)
    assert exports, "README.md has no production example"
    return {name: value.strip().strip("'\"") for name, value in exports}


def run_manage(*args, environment):
    # Only what a server's environment would hold: nothing leaks in from the test run.
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "LANG": "C.UTF-8", **environment}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_the_readme_example():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", environment=readme_production_environment())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    environment = readme_production_environment()
    environment.pop("SECRET_KEY")
    result = run_manage("check", environment=environment)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    environment = readme_production_environment()
    environment["ALLOWED_HOSTS"] = ""
    result = run_manage("check", environment=environment)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_uses_compressed_manifest_static_files_and_secure_cookies():
    environment = readme_production_environment()
    code = (
        "from django.conf import settings as s;"
        "print(s.STORAGES['staticfiles']['BACKEND'], s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.DEBUG,"
        " s.CACHES['default']['BACKEND'], s.SESSION_ENGINE)"
    )
    result = run_manage("shell", "--no-imports", "-c", code, environment=environment)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "True",
        "True",
        "False",
        "dangjian.cache.RedisCache",
        "django.contrib.sessions.backends.cached_db",
    ]


def test_production_refuses_to_start_without_redis():
    # Several gunicorn processes must share one page-cache generation: a per-process cache would serve stale pages.
    environment = readme_production_environment()
    environment.pop("REDIS_URL")
    result = run_manage("check", environment=environment)
    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr


def test_production_has_a_separate_renditions_cache():
    code = "from django.conf import settings as s; print(sorted(s.CACHES), s.CACHES['renditions']['KEY_PREFIX'])"
    result = run_manage("shell", "--no-imports", "-c", code, environment=readme_production_environment())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["['default',", "'renditions']", "dangjian-renditions"]
