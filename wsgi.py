"""Entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""
from rakor import create_app

app = create_app()
