"""Entry point for `flask --app wsgi …` and for gunicorn (`gunicorn wsgi:app`)."""

import gc

from app import create_app

app = create_app()
# What the app built at start-up (mappers, compiled templates and schemas, translations) lives
# as long as the process: leave it out of the garbage collector's full passes, which otherwise
# walk all of it and stall every thread of a gunicorn worker for over 100 ms now and then.
gc.freeze()
