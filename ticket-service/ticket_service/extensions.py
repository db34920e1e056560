"""Unbound extensions of ticket-service; nothing runs at import."""

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase

from hdms_common.api import Api
from hdms_common.db import service_registry


class Base(DeclarativeBase):
    registry = service_registry()


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
api = Api()
