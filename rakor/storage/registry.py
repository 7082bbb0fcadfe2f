"""Which stored keys the database still refers to, by key prefix, for the sweep and the checks.

    from rakor.storage import references
    references.register("materials/", loader=lambda: {"materials/" + n for n in ...}, grace=...)

`loader()` returns the set of keys under the prefix that rows name (called inside an app
context). A prefix registered with `cache_ttl` holds no rows' files but a cache (the document
worker's results): the sweep deletes its objects older than that many seconds instead.
"""
from rakor.core.registry import Registry

references = Registry("storage references")

# Core's import previews (rakor/core/tabular/staging.py) wait here for their confirmation: a cache
# whose files no row names, removed after a day.
def _register_import_previews():
    from rakor.core.tabular.staging import PREFIX, STORE_MAX_AGE_SECONDS

    references.register(PREFIX, cache_ttl=STORE_MAX_AGE_SECONDS, what="import previews (cache)")


_register_import_previews()
