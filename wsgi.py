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
