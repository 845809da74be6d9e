"""The portal's Flask extensions, created unbound; ``init_portal`` binds them."""

from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
