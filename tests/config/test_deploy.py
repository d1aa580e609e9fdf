"""A production set-up in the usual order: settings from the environment, `migrate`, then
`collectstatic`, with `check --deploy` clean once the documented variables are set."""

import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings

# What the README's Deploy section asks for, and nothing else: no debug, no testing.
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "k9Vq2-xPz7LmR4tYwB8nC1dF6gH3jK0sA5eU_oI9pQ2rT7vW4yZ",
    "DJANGO_ALLOWED_HOSTS": "registre.example.fr",
    "SITE_HOSTING_PROVIDER": "Hébergeur Exemple, 1 rue du Test, 31000 Toulouse",
    "SITE_CONTACT_EMAIL": "contact@example.fr",
    "SITE_DPO_CONTACT": "dpo@example.fr",
}


def manage(*args, **env) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh process that sees only PATH and the given variables."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_documented_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert result.stderr == ""


def test_migrate_and_check_deploy_run_before_collectstatic(tmp_path):
    static_root = tmp_path / "static"
    static_root.mkdir()
    env = {
        **PRODUCTION_ENV,
        "DJANGO_STATIC_ROOT": str(static_root),  # empty: collectstatic has not run
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_CACHE_DIR": str(tmp_path / "cache"),
    }

    migrated = manage("migrate", "--noinput", **env)
    up_to_date = manage("migrate", "--check", **env)
    checked = manage("check", "--deploy", "--fail-level", "WARNING", **env)

    assert migrated.returncode == 0, migrated.stderr
    assert up_to_date.returncode == 0, up_to_date.stdout + up_to_date.stderr
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert not any(static_root.iterdir())


def production_setting(expression: str, **env) -> list[str]:
    """The words of `expression` (over `s`, the settings) in a fresh production process."""
    code = f"from django.conf import settings as s; print({expression})"
    return manage("shell", "-v", "0", "-c", code, **PRODUCTION_ENV, **env).stdout.split()


def test_proxy_headers_are_believed_only_when_a_proxy_is_declared():
    shown = "s.NUM_PROXIES, s.REST_FRAMEWORK['NUM_PROXIES'], s.SECURE_PROXY_SSL_HEADER"

    assert production_setting(shown) == ["0", "0", "None"]
    assert production_setting(shown, DJANGO_NUM_PROXIES="1") == [
        "1", "1", "('HTTP_X_FORWARDED_PROTO',", "'https')"
    ]  # fmt: skip


def test_production_is_on_https_by_default_and_a_plain_http_intranet_can_opt_out():
    shown = (
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE, "
        "s.LANGUAGE_COOKIE_SAMESITE"
    )

    assert production_setting(shown) == ["True", "31536000", "True", "True", "True", "True", "Lax"]
    assert production_setting(shown, DJANGO_HTTPS="false") == [
        "False", "0", "True", "False", "False", "False", "Lax"
    ]  # fmt: skip


def test_production_keeps_database_connections_and_shares_the_cache_between_processes():
    shown = (
        "s.DATABASES['default']['CONN_MAX_AGE'], s.DATABASES['default']['CONN_HEALTH_CHECKS'], "
        "s.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]"
    )

    assert production_setting(shown) == ["60", "True", "FileBasedCache"]
    assert production_setting(shown, REDIS_URL="redis://127.0.0.1:6379/0")[-1] == "RedisCache"


def test_the_deploy_check_warns_when_each_process_has_its_own_cache(settings):
    from registry.checks import limits_are_shared_by_every_process

    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    per_process = limits_are_shared_by_every_process(None)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
        }
    }
    shared = limits_are_shared_by_every_process(None)

    assert [warning.id for warning in per_process] == ["registry.W002"]
    assert shared == []


def test_the_redis_cache_works_with_the_installed_client():
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    key = f"deploy-test-{uuid.uuid4().hex}"
    code = (
        "from django.core.cache import cache; "
        f"cache.set({key!r}, 41, 30); cache.incr({key!r}); print(cache.get({key!r}))"
    )

    result = manage("shell", "-v", "0", "-c", code, REDIS_URL=url, **PRODUCTION_ENV)

    assert result.stdout.strip() == "42", result.stderr
