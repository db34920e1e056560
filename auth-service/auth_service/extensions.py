"""Unbound extensions of auth-service; nothing runs at import."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase

from hdms_common.api import Api
from hdms_common.db import service_registry
from hdms_common.deferred_migrate import DeferredMigrate


class Base(DeclarativeBase):
    registry = service_registry()


db = SQLAlchemy(model_class=Base)
migrate = DeferredMigrate()
api = Api()
