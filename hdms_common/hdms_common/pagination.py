"""Keyset pagination with an opaque cursor (docs/api.md, "Lists").

Offsets skip or repeat rows when rows are inserted between two pages; a keyset cursor holds
the sort key of the last row served and the next page starts strictly after it, so a page is
stable however many rows arrive meanwhile.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeAlias, TypeVar

import marshmallow as ma
import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute

from hdms_common.api import Schema
from hdms_common.db import DbSession
from hdms_common.errors import BadRequest

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


class PaginationArgsSchema(Schema):
    """``limit`` and ``cursor`` query arguments; filter schemas extend it."""

    limit = ma.fields.Integer(
        load_default=DEFAULT_LIMIT, validate=ma.validate.Range(min=1, max=MAX_LIMIT)
    )
    cursor = ma.fields.String(load_default=None, validate=ma.validate.Length(max=512))


def page_schema(item_schema: type[ma.Schema], name: str | None = None) -> type[ma.Schema]:
    """The ``{items, next_cursor}`` response schema for a list of ``item_schema``."""
    return type(
        name or f"{item_schema.__name__.removesuffix('Schema')}PageSchema",
        (Schema,),
        {
            "items": ma.fields.List(ma.fields.Nested(item_schema)),
            "next_cursor": ma.fields.String(allow_none=True),
        },
    )


@dataclass(frozen=True)
class SortKey:
    """A key of a keyset order that is an SQL expression rather than a column (a rank, say):
    ``expression`` orders the rows in SQL, ``of_row`` gives the same value from a loaded row."""

    expression: sa.ColumnElement[Any]
    of_row: Callable[[Any], Any]


OrderKey: TypeAlias = InstrumentedAttribute[Any] | SortKey


def _expression(key: OrderKey) -> Any:
    return key.expression if isinstance(key, SortKey) else key


def _row_value(row: Any, key: OrderKey) -> Any:
    return key.of_row(row) if isinstance(key, SortKey) else getattr(row, key.key)


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _decode_value(raw: Any, column: OrderKey) -> Any:
    python_type = _expression(column).type.python_type
    if python_type is datetime:
        value = datetime.fromisoformat(str(raw))
        if value.tzinfo is None:
            raise ValueError("naive time in cursor")
        return value
    if python_type is uuid.UUID:
        return uuid.UUID(str(raw))
    if python_type is int:
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise ValueError("not an integer")
        return raw
    return python_type(raw)


def encode_cursor(values: Sequence[Any], *, order: str | None = None) -> str:
    """An opaque cursor holding ``values``, and the name of the ``order`` when given."""
    encoded = [_encode_value(v) for v in values]
    raw = json.dumps([order, *encoded] if order else encoded, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(
    cursor: str, columns: Sequence[OrderKey], *, order: str | None = None
) -> list[Any]:
    """Decode a cursor made by :func:`encode_cursor`; anything else is a 400, and so is a
    cursor made for another ``order`` than the one asked for now."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list):
            raise ValueError("wrong shape")
        if order:
            if not values or not isinstance(values[0], str):
                raise ValueError("no order")
            if values[0] != order:
                raise BadRequest(
                    f"The cursor does not belong to the sort order {order}.",
                    errors={"query.cursor": ["Made for another sort; start without a cursor."]},
                )
            values = values[1:]
        if len(values) != len(columns):
            raise ValueError("wrong shape")
        return [_decode_value(v, c) for v, c in zip(values, columns, strict=True)]
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadRequest(
            "The cursor is not valid.", errors={"query.cursor": ["Not a valid cursor."]}
        ) from exc


def keyset_page(
    session: DbSession,
    statement: sa.Select[Any],
    *,
    order_by: Sequence[OrderKey],
    limit: int,
    cursor: str | None,
    descending: bool = True,
    order: str | None = None,
) -> Page[Any]:
    """Run ``statement`` ordered by ``order_by`` (the last column unique) from ``cursor``.

    Reads one row more than asked to know whether a next page exists without a count. A
    statement of several columns pages rows, whose attributes the keys are read from. A list
    that offers several orders names the one used in ``order``: its cursors carry that name,
    and a cursor of another order is refused (400) rather than read as a wrong position.
    """
    page_statement = keyset_statement(
        statement, order_by=order_by, limit=limit, cursor=cursor, descending=descending, order=order
    )
    return read_page(session, page_statement, order_by=order_by, limit=limit, order=order)


def keyset_statement(
    statement: sa.Select[Any],
    *,
    order_by: Sequence[OrderKey],
    limit: int,
    cursor: str | None,
    descending: bool = True,
    order: str | None = None,
) -> sa.Select[Any]:
    """The statement :func:`keyset_page` runs: ``statement`` after the cursor, in order, one
    row more than the page. Built once and kept, it can be run by :func:`read_page` again."""
    after = keyset_after(order_by, cursor, descending=descending, order=order)
    if after is not None:
        statement = statement.where(after)
    ordering = keyset_ordering(order_by, descending=descending)
    return statement.order_by(*ordering).limit(limit + 1)


def read_page(
    session: DbSession,
    page_statement: sa.Select[Any],
    *,
    order_by: Sequence[OrderKey],
    limit: int,
    order: str | None = None,
    params: Mapping[str, Any] | None = None,
) -> Page[Any]:
    """Run a :func:`keyset_statement` (with ``params`` for its bound parameters) as a page."""
    result = session.execute(page_statement, params)
    # One entity or column selected: its values; several columns: rows (named like them).
    # (The result's keys, not statement.column_descriptions: those are worked out anew on each
    # call, a measurable part of a list request.)
    rows = list(result.scalars() if len(result.keys()) == 1 else result)
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor([_row_value(last, c) for c in order_by], order=order)
    return Page(items=rows, next_cursor=next_cursor)


def keyset_after(
    order_by: Sequence[OrderKey],
    cursor: str | None,
    *,
    descending: bool = True,
    order: str | None = None,
) -> sa.ColumnElement[bool] | None:
    """The WHERE clause of the rows after ``cursor`` in the :func:`keyset_page` order (None
    without a cursor): for a query that reads a page's candidates in parts before
    :func:`keyset_page` orders them."""
    if not cursor:
        return None
    expressions = [_expression(c) for c in order_by]
    values = decode_cursor(cursor, order_by, order=order)
    key = sa.tuple_(*expressions)
    bound = sa.tuple_(
        *[sa.literal(v, type_=e.type) for v, e in zip(values, expressions, strict=True)]
    )
    return key < bound if descending else key > bound


def keyset_ordering(
    order_by: Sequence[OrderKey], *, descending: bool = True
) -> list[sa.ColumnElement[Any]]:
    """The ORDER BY of :func:`keyset_page`."""
    expressions = [_expression(c) for c in order_by]
    return [e.desc() if descending else e.asc() for e in expressions]
