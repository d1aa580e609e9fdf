"""Django's Redis cache backend, with one redis.Redis client per connection pool.

Django's RedisCacheClient builds a new redis.Redis object for every cache operation, and
redis-py 8 fills a table of some 170 response callbacks in each: about a fifth of a
millisecond of CPU per get or set, the largest cost of an answer served from the cache (a
throttle check and two gets). A redis.Redis object is thread-safe and only holds its pool, so
one per pool is kept and reused. Selected by settings.CACHES when REDIS_URL is set.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
