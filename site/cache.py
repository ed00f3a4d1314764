"""Django's Redis cache backend, with one client per connection pool instead of one per cache call.

Django builds a new `redis.Redis` for every get or set, and each one fills a table of some 170 response callbacks:
on a page that reads the shared cache five times, that cost more than the round trips themselves. A client over a
pool is safe to share between threads (the pool hands out the connections), so it is built once per pool.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
