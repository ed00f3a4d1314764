"""dangjian.cache.RedisCache: Django's Redis backend with one client per connection pool."""

from dangjian.cache import RedisCache


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
