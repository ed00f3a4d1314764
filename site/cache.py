"""Django's Redis cache backend, with one client per connection pool, that fails soft when Redis is down.

One client per pool: Django builds a new `redis.Redis` for every get or set, and each one fills a table of some 170
response callbacks: on a page that reads the shared cache five times, that cost more than the round trips
themselves. A client over a pool is safe to share between threads (the pool hands out the connections), so it is
built once per pool.

Failing soft: the cache only ever holds copies (pages, blocks, the Site, sessions that are also in the database), so
a Redis outage must not take the site down. While Redis does not answer:
- reads miss (get, get_many, has_key), writes and touches are dropped: pages are built uncached, sessions are read
  from the database (cached_db);
- add and incr count in this process's memory, so that the rate limits keep limiting (per worker) and the callers'
  "key not found" paths keep working;
- deletes and incrs are remembered (a bounded number) and sent once Redis answers again: a session ended by a logout
  and a page-cache generation bumped by a publish during the outage do not come back with Redis.
A dead Redis costs one short connect timeout, after which calls skip it for RETRY_AFTER seconds; the outage is
logged when it starts, at most once a minute while it lasts, and when it ends.
"""

import contextlib
import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

logger = logging.getLogger(__name__)

# Redis runs next to the site (or in the same rack): it answers in well under a millisecond, so these bound what a
# dead or unreachable server costs a request.
DEFAULT_POOL_OPTIONS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.5}
DEFAULT_RETRY_AFTER = 5  # seconds during which calls skip a server that just failed
LOG_EVERY = 60  # seconds between two log lines of one outage
MAX_REMEMBERED = 10_000  # deletes and incrs kept for Redis's return; local counters kept


class RedisUnavailable(Exception):
    pass


class _ServerState:
    """Whether one Redis location answers, as seen by this process (shared by every alias on that location)."""

    def __init__(self, location, retry_after):
        self.location = location
        self.retry_after = retry_after
        self.lock = threading.Lock()
        self.skip_until = 0.0
        self.down_since = None
        self.last_logged = 0.0
        self.deletes = {}  # key -> None, in order: sent when Redis is back
        self.incrs = {}  # key -> delta
        self.counters = {}  # key -> (value, expires at or None): add/incr while Redis is down

    def available(self):
        return time.monotonic() >= self.skip_until

    def failed(self, error):
        now = time.monotonic()
        with self.lock:
            self.skip_until = now + self.retry_after
            if self.down_since is None:
                self.down_since = self.last_logged = now
                logger.error(
                    "Redis 不可用（%s）：%s；缓存读取按未命中处理、写入丢弃，%s 秒后重试",
                    self.location,
                    error,
                    self.retry_after,
                )
            elif now - self.last_logged >= LOG_EVERY:
                self.last_logged = now
                logger.error("Redis 仍不可用（%s），已 %d 秒：%s", self.location, now - self.down_since, error)

    def answered(self):
        """Redis answered: if it had been down, hand back what must still be sent to it (deletes, incrs)."""
        if self.down_since is None:
            return None
        with self.lock:
            if self.down_since is None:
                return None
            lasted = time.monotonic() - self.down_since
            self.down_since = None
            deletes, incrs = list(self.deletes), dict(self.incrs)
            self.deletes, self.incrs, self.counters = {}, {}, {}
        logger.warning(
            "Redis 已恢复（%s），中断约 %d 秒；补发 %d 项删除、%d 项计数",
            self.location,
            lasted,
            len(deletes),
            len(incrs),
        )
        return deletes, incrs

    def remember_delete(self, keys):
        with self.lock:
            for key in keys:
                if len(self.deletes) < MAX_REMEMBERED:
                    self.deletes[key] = None

    def remember_incr(self, key, delta):
        with self.lock:
            if key in self.incrs or len(self.incrs) < MAX_REMEMBERED:
                self.incrs[key] = self.incrs.get(key, 0) + delta

    def local_add(self, key, value, timeout):
        now = time.monotonic()
        with self.lock:
            current = self.counters.get(key)
            if current is not None and (current[1] is None or current[1] > now):
                return False
            if len(self.counters) >= MAX_REMEMBERED:
                self.counters = {k: v for k, v in self.counters.items() if v[1] is not None and v[1] > now}
            if timeout is not None and timeout <= 0:
                return True  # Redis would store and expire it at once
            self.counters[key] = (value, None if timeout is None else now + timeout)
            return True

    def local_get(self, key, default=None):
        """A counter kept in memory during the outage (what add/incr wrote): the rate limits read what they count."""
        now = time.monotonic()
        with self.lock:
            current = self.counters.get(key)
        if current is None or (current[1] is not None and current[1] <= now):
            return default
        return current[0]

    def local_incr(self, key, delta):
        now = time.monotonic()
        with self.lock:
            current = self.counters.get(key)
            if current is None or (current[1] is not None and current[1] <= now):
                raise ValueError(f"Key '{key}' not found.")
            value = current[0] + delta
            self.counters[key] = (value, current[1])
            return value


_states = {}
_states_lock = threading.Lock()


def _state_for(servers, retry_after):
    location = ",".join(servers)
    with _states_lock:
        state = _states.get(location)
        if state is None:
            state = _states[location] = _ServerState(location, retry_after)
        return state


def reset_states():
    """Forget every server's outage (for tests)."""
    with _states_lock:
        _states.clear()


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, servers, *, retry_after=DEFAULT_RETRY_AFTER, **options):
        super().__init__(servers, **{**DEFAULT_POOL_OPTIONS, **options})
        self._clients = {}
        self._state = _state_for(servers, retry_after)
        import redis

        self._outage_errors = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def _call(self, method, *args):
        """Django's method on Redis, or RedisUnavailable while Redis does not answer."""
        state = self._state
        if not state.available():
            raise RedisUnavailable
        try:
            result = getattr(super(), method)(*args)
        except self._outage_errors as error:
            state.failed(error)
            raise RedisUnavailable from error
        backlog = state.answered()
        if backlog is not None:
            self._send_backlog(*backlog)
        return result

    def _send_backlog(self, deletes, incrs):
        try:
            client = self.get_client(write=True)
            if deletes:
                client.delete(*deletes)
            for key, delta in incrs.items():
                if client.exists(key):  # as Django's incr: a missing key stays missing
                    client.incr(key, delta)
        except self._outage_errors as error:
            self._state.failed(error)
            self._state.remember_delete(deletes)

    def get(self, key, default):
        try:
            return self._call("get", key, default)
        except RedisUnavailable:
            return self._state.local_get(key, default)

    def get_many(self, keys):
        try:
            return self._call("get_many", keys)
        except RedisUnavailable:
            missing = object()
            found = {key: self._state.local_get(key, missing) for key in keys}
            return {key: value for key, value in found.items() if value is not missing}

    def has_key(self, key):
        try:
            return self._call("has_key", key)
        except RedisUnavailable:
            return False

    def set(self, key, value, timeout):
        with contextlib.suppress(RedisUnavailable):  # dropped
            self._call("set", key, value, timeout)

    def set_many(self, data, timeout):
        with contextlib.suppress(RedisUnavailable):  # dropped
            self._call("set_many", data, timeout)

    def touch(self, key, timeout):
        try:
            return self._call("touch", key, timeout)
        except RedisUnavailable:
            return False

    def add(self, key, value, timeout):
        try:
            return self._call("add", key, value, timeout)
        except RedisUnavailable:
            return self._state.local_add(key, value, timeout)

    def incr(self, key, delta):
        try:
            return self._call("incr", key, delta)
        except RedisUnavailable:
            self._state.remember_incr(key, delta)
            return self._state.local_incr(key, delta)

    def delete(self, key):
        try:
            return self._call("delete", key)
        except RedisUnavailable:
            self._state.remember_delete([key])
            return False

    def delete_many(self, keys):
        try:
            self._call("delete_many", keys)
        except RedisUnavailable:
            self._state.remember_delete(keys)

    def clear(self):
        try:
            return self._call("clear")
        except RedisUnavailable:
            return False


class RedisCache(DjangoRedisCache):
    """OPTIONS: the connection pool's (socket_connect_timeout, socket_timeout… DEFAULT_POOL_OPTIONS unless given)
    and `retry_after`, the seconds during which calls skip a server that failed."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
