"""The business rules of file-service: keyword-only functions that flush and never commit."""

from typing import Any

from sqlalchemy.orm import Session, scoped_session

#: A session, or Flask-SQLAlchemy's scoped proxy to one (what views and tasks pass).
DbSession = Session | scoped_session[Any]
