"""Which stored keys the database still refers to, by key prefix, for the sweep and the checks.

    from rakor.storage import references
    references.register("materials/", loader=lambda: {"materials/" + n for n in ...}, grace=...)

`loader()` returns the set of keys under the prefix that rows name (called inside an app
context). A prefix registered with `cache_ttl` holds no rows' files but a cache (the document
worker's results): the sweep deletes its objects older than that many seconds instead.
"""
from rakor.core.registry import Registry

references = Registry("storage references")
