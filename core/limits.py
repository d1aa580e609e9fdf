"""Rate limits shared by every worker (through the configured cache)."""

from django.core.cache import cache


def too_many_attempts(*, scope: str, key: str, limit: int, period: int) -> bool:
    """Count one attempt for `key` in a fixed window of `period` seconds (cache-based).

    True once more than `limit` attempts were made in the window.
    """
    cache_key = f"ratelimit:{scope}:{key}"
    cache.add(cache_key, 0, timeout=period)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the key expired between add() and incr()
        cache.set(cache_key, 1, timeout=period)
        count = 1
    return count > limit
