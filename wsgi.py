"""WSGI entry point: `gunicorn wsgi:app`."""

import sys

from pathways import create_app
from pathways.settings import ConfigError

try:
    app = create_app()
except ConfigError as exc:
    # One clear line naming the setting; gunicorn then stops instead of serving half-configured.
    print(f"pathways: configuration error: {exc}", file=sys.stderr, flush=True)
    raise SystemExit(3) from None

# Whatever a killed process left (an import inside a request, a worker's job) is failed or
# queued again before this process serves anything; live processes' work is left alone.
with app.app_context():
    from pathways.services.job_handlers import recover_interrupted

    recover_interrupted(app.extensions["pathways_engine"])
