"""Flask extensions, unbound: create_app() binds them to each app."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Limits are configured per app from settings; storage is shared (e.g. redis://) when scaled out.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
