"""dangjian.cache.RedisCache: Django's Redis backend with one client per connection pool, failing soft."""

import logging
import time

import pytest
import redis
from django.contrib.auth import get_user_model
from django.core.cache import caches

from dangjian import cache as cache_module
from dangjian.cache import RedisCache

from .conftest import free_port


@pytest.fixture(autouse=True)
def _fresh_outage_state():
    cache_module.reset_states()
    yield
    cache_module.reset_states()


def refusing_url():
    return f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there: connections are refused


@pytest.fixture
def redis_calls(monkeypatch):
    """How many commands were sent to a Redis server."""
    calls = []
    original = redis.Redis.execute_command

    def counting(self, *args, **options):
        calls.append(args[0])
        return original(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counting)
    return calls


def test_every_cache_call_shares_one_client_per_pool():
    cache = RedisCache("redis://127.0.0.1:6379/0", {})
    client = cache._cache.get_client("a")
    assert cache._cache.get_client("b") is client
    assert cache._cache.get_client("c", write=True) is client  # one server: reads and writes share its pool


def test_each_server_keeps_its_own_client():
    cache = RedisCache("redis://127.0.0.1:6379/0,redis://127.0.0.1:6379/1", {})
    writer = cache._cache.get_client(write=True)
    reader = cache._cache.get_client()  # with replicas, reads go to a replica
    assert writer is not reader
    assert writer.connection_pool.connection_kwargs["db"] == 0
    assert reader.connection_pool.connection_kwargs["db"] == 1


def test_connections_time_out_quickly_unless_told_otherwise():
    pool = RedisCache("redis://127.0.0.1:6379/0", {})._cache.get_client().connection_pool
    assert pool.connection_kwargs["socket_connect_timeout"] <= 0.5
    assert pool.connection_kwargs["socket_timeout"] <= 1
    told = RedisCache("redis://127.0.0.1:6379/0", {"OPTIONS": {"socket_timeout": 3}})
    assert told._cache.get_client().connection_pool.connection_kwargs["socket_timeout"] == 3


def test_a_dead_redis_reads_as_misses_and_drops_writes():
    cache = RedisCache(refusing_url(), {})
    started = time.monotonic()
    assert cache.get("page") is None
    assert cache.get("page", "fallback") == "fallback"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("page") is False
    assert "page" not in cache
    cache.set("page", "html")
    assert cache.set_many({"a": 1, "b": 2}) == []
    assert cache.touch("page") is False
    assert cache.delete("page") is False
    cache.delete_many(["a", "b"])
    assert cache.clear() is False
    assert cache.get_or_set("built", lambda: "value") == "value"
    assert time.monotonic() - started < 1


def test_after_a_failure_calls_skip_redis_until_the_retry_delay(redis_calls):
    cache = RedisCache(refusing_url(), {"OPTIONS": {"retry_after": 0.3}})
    for _ in range(20):
        cache.get("page")
    assert len(redis_calls) == 1
    time.sleep(0.35)
    cache.get("page")
    assert len(redis_calls) == 2


def test_an_outage_is_logged_once_not_on_every_call(caplog):
    cache = RedisCache(refusing_url(), {"OPTIONS": {"retry_after": 0}})  # every call tries again
    with caplog.at_level(logging.WARNING, logger="dangjian.cache"):
        for _ in range(50):
            cache.get("page")
            cache.set("page", "html")
    records = [record for record in caplog.records if record.name == "dangjian.cache"]
    assert len(records) == 1
    assert "Redis 不可用" in records[0].getMessage()


def test_add_and_incr_count_in_memory_while_redis_is_down():
    """The rate limits (add, then incr) keep counting per process; a missing key is still reported as missing."""
    cache = RedisCache(refusing_url(), {})
    assert cache.add("attempts", 1, timeout=60) is True
    assert cache.add("attempts", 1, timeout=60) is False
    assert cache.incr("attempts") == 2
    assert cache.incr("attempts", 3) == 5
    assert cache.decr("attempts") == 4
    with pytest.raises(ValueError):
        cache.incr("never-added")
    assert cache.add("expiring", 1, timeout=0) is True
    with pytest.raises(ValueError):
        cache.incr("expiring")
    # What is counted can be read back (the public forms' limits read before they count), and nothing else.
    assert cache.get("attempts") == 4
    assert cache.get_many(["attempts", "never-added", "expiring"]) == {"attempts": 4}
    assert cache.get("never-added", "default") == "default"


def test_aliases_on_one_server_share_its_outage(redis_calls):
    url = refusing_url()
    pages = RedisCache(url, {"KEY_PREFIX": "pages"})
    renditions = RedisCache(url, {"KEY_PREFIX": "renditions"})
    pages.get("a")
    renditions.get("a")
    assert len(redis_calls) == 1


def test_redis_answering_again_serves_again_and_gets_the_deletes_and_incrs_it_missed(redis_server):
    cache = RedisCache(redis_server.url, {"OPTIONS": {"retry_after": 0.1, "socket_timeout": 0.2}})
    raw = redis.Redis.from_url(redis_server.url)
    cache.set("session", "logged in", 600)
    cache.set("generation", 7, None)
    cache.set("kept", "yes", 600)

    # Redis stops answering (paused, so that what it holds is still there when it answers again).
    raw.execute_command("CLIENT", "PAUSE", 1000, "ALL")
    assert cache.get("kept") is None
    time.sleep(0.15)
    assert cache.delete("session") is False  # a logout during the outage
    time.sleep(0.15)
    with pytest.raises(ValueError):
        cache.incr("generation")  # a publish during the outage: not in this process's memory
    cache.add("generation", 2, None)

    time.sleep(1.1)
    assert cache.get("kept") == "yes"
    assert cache.get("session") is None  # the logout is not undone by Redis coming back
    assert cache.get("generation") == 8  # nor the publish


def test_a_restarted_redis_is_used_again(redis_server):
    cache = RedisCache(redis_server.url, {"OPTIONS": {"retry_after": 0.1}})
    cache.set("page", "html", 600)
    redis_server.stop()
    try:
        assert cache.get("page") is None
    finally:
        redis_server.start()
    time.sleep(0.15)
    cache.set("page", "new html", 600)
    assert cache.get("page") == "new html"


@pytest.mark.django_db
def test_members_log_in_and_stay_logged_in_while_redis_is_down(client, settings):
    """Production's cached_db sessions on a dead Redis: read from and written to the database."""
    settings.CACHES = {
        "default": {"BACKEND": "dangjian.cache.RedisCache", "LOCATION": refusing_url()},
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    caches.close_all()
    get_user_model().objects.create_user("outage", password="Outage-2026-login")

    response = client.post("/accounts/login/", {"username": "outage", "password": "Outage-2026-login"})
    assert response.status_code == 302, response.content.decode()
    response = client.get("/me/")
    assert response.status_code == 200
    assert "退出" in response.content.decode()
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/me/").status_code == 302
