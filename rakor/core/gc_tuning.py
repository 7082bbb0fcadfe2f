"""The garbage collector and a long-running web worker.

After `create_app()` a process holds ~300,000 objects (modules, mappers, templates, the
translation catalogs) that live as long as it does. Python's collector walks them again at each
collection of the older generations: on the meeting page that was ~9 % of a request's CPU
(bench: 2.6 ms of 29 ms per render). `gc.freeze()` moves them to a permanent generation that
collections skip; what requests create is collected as before. Under a forking server it also
keeps the collector from writing to pages the workers share with the master.
"""
import gc


def freeze_startup_objects():
    """Collect what starting up left behind, then exempt the rest from later collections.
    Call once, after the app is built (wsgi.py)."""
    gc.collect()
    gc.freeze()
