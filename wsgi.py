"""Entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""
from rakor import create_app
from rakor.core.gc_tuning import freeze_startup_objects

app = create_app()
freeze_startup_objects()  # the app's own objects out of every later collection (core/gc_tuning.py)
