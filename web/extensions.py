"""Flask extensions, created unbound; ``create_app`` binds them."""

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from models.base import Base

# The models are plain SQLAlchemy (see models/base.py); Flask-SQLAlchemy only
# supplies the engine and a request-scoped session on their metadata.
db = SQLAlchemy(metadata=Base.metadata)
migrate = Migrate()
