"""Accepting an upload: its name, its type, its safety, then the attachment row."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from file_service.config import FileLimits
from file_service.content_types import (
    ALLOWED,
    IMAGE,
    VIDEO,
    ZIP,
    extension_of,
    served_content_type,
    sniff,
)
from file_service.media import MediaRefused, probe_image, probe_video
from file_service.models import Attachment, FileStatus, IdempotencyKey, Purpose
from file_service.multipart import ReceivedUpload
from file_service.storage import Storage
from hdms_common.db import DbSession
from hdms_common.errors import Invalid, NotFound, UnsupportedMediaType

MAX_NAME_LENGTH = 255
_UNSAFE_NAME_CHARACTERS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*;]')
_SPACES = re.compile(r"\s+")


def sanitize_name(raw: str) -> str:
    """A display and download name that cannot be a path, a header injection or invisible.

    Only the last path component is kept (``../../etc/passwd`` -> ``passwd``), control and
    reserved characters are replaced, leading dots removed (no hidden or relative names), and
    the length is bounded keeping the extension.
    """
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME_CHARACTERS.sub("_", name)
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cf", "Cc", "Cs", "Co"))
    name = _SPACES.sub(" ", name).strip().lstrip(".").strip()
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 16:
            name = stem[: MAX_NAME_LENGTH - len(extension) - 1] + "." + extension
        else:
            name = name[:MAX_NAME_LENGTH]
    return name or "file"


def check_content(received: ReceivedUpload, name: str, limits: FileLimits) -> str:
    """The content type to store the file as; 415/422 for what must not be accepted."""
    if received.size == 0:
        raise Invalid("The file is empty.", errors={"file": ["The file is empty."]})
    sniffed = sniff(received.head)
    allowed = ALLOWED.get(sniffed)
    if allowed is None:
        raise UnsupportedMediaType(
            f"Files of type {sniffed} are not accepted.",
            errors={"file": [f"Type {sniffed} is not allowed."]},
        )
    extension = extension_of(name)
    if extension and extension not in allowed.extensions:
        raise UnsupportedMediaType(
            f"The name ends in .{extension} but the content is {sniffed}.",
            errors={"file": [f"The extension .{extension} does not match the content."]},
        )
    try:
        if allowed.kind == IMAGE:
            probe_image(received.incoming, max_pixels=limits.max_image_pixels)
        elif allowed.kind == VIDEO:
            probe_video(
                received.incoming,
                max_seconds=limits.max_video_seconds,
                max_pixels=limits.max_video_pixels,
            )
        elif allowed.kind == ZIP:
            check_zip(received.incoming, limits)
    except MediaRefused as exc:
        raise Invalid(str(exc), errors={"file": [str(exc)]}) from exc
    return served_content_type(sniffed, name)


def check_zip(path: Path, limits: FileLimits) -> None:
    """Refuse zip bombs from the central directory alone (nothing is decompressed here).

    A zip is stored as it is, but whoever opens it (a colleague, clamd, an office suite)
    inflates it: refuse archives that declare more than ``max_zip_uncompressed`` bytes, a
    compression ratio above ``max_zip_ratio``, too many entries, or nested archives (the
    classic 42.zip stacks them to hide the total).
    """
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise MediaRefused("The archive cannot be read.") from exc
    if len(entries) > limits.max_zip_entries:
        raise MediaRefused(f"The archive has more than {limits.max_zip_entries} entries.")
    total = sum(entry.file_size for entry in entries)
    compressed = sum(entry.compress_size for entry in entries) or 1
    if total > limits.max_zip_uncompressed:
        raise MediaRefused("The archive expands beyond the allowed size.")
    if total / compressed > limits.max_zip_ratio:
        raise MediaRefused("The archive's compression ratio is that of a zip bomb.")
    if any(
        extension_of(entry.filename) in ("zip", "gz", "bz2", "xz", "7z", "rar") for entry in entries
    ):
        raise MediaRefused("Archives inside archives are not accepted.")


def _parse_fields(fields: dict[str, str]) -> tuple[str, uuid.UUID | None]:
    errors: dict[str, list[str]] = {}
    purpose = fields.get("purpose", Purpose.TICKET.value).strip()
    if purpose not in {p.value for p in Purpose}:
        errors["purpose"] = ["Must be one of: ticket, chat."]
    ticket_id = None
    raw_ticket = fields.get("ticket_id", "").strip()
    if raw_ticket:
        try:
            ticket_id = uuid.UUID(raw_ticket)
        except ValueError:
            errors["ticket_id"] = ["Not a valid UUID."]
    if purpose == Purpose.CHAT.value and ticket_id is None and "ticket_id" not in errors:
        # A chat is a ticket's: its participants can only be found through the ticket.
        errors["ticket_id"] = ["Required for chat files."]
    if errors:
        raise Invalid("Some fields are invalid.", errors=errors)
    return purpose, ticket_id


def _fingerprint(received: ReceivedUpload, name: str) -> str:
    digest = hashlib.sha256()
    for part in (received.sha256, name, *sorted(f"{k}={v}" for k, v in received.fields.items())):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def new_file_key() -> str:
    """32 URL-safe characters from 24 random bytes: opaque and unguessable."""
    return secrets.token_urlsafe(24)


def accept_upload(
    *,
    session: DbSession,
    storage: Storage,
    limits: FileLimits,
    actor_id: uuid.UUID,
    received: ReceivedUpload,
    idempotency_key: str | None = None,
    ticket_visible: Callable[[uuid.UUID], bool] | None = None,
) -> tuple[Attachment, bool]:
    """Check a received upload and create its attachment (status pending); flushes.

    Returns the attachment and whether it is a replay of an earlier upload with the same
    Idempotency-Key (the new bytes are then dropped). A ``ticket_id`` the uploader cannot see
    (``ticket_visible`` asks ticket-service with their token) is a 404. On any refusal the
    received bytes are removed, so nothing is left on disk or in the table.
    """
    committed_key: str | None = None
    try:
        purpose, ticket_id = _parse_fields(received.fields)
        name = sanitize_name(received.filename)
        content_type = check_content(received, name, limits)
        if ticket_id is not None and ticket_visible is not None and not ticket_visible(ticket_id):
            # The same 404 as for a ticket that does not exist: existence is never revealed.
            raise NotFound("No such ticket.")
        if idempotency_key is not None:
            fingerprint = _fingerprint(received, name)
            replay = _replayed(session, actor_id, idempotency_key, fingerprint)
            if replay is not None:
                storage.discard_incoming(received.incoming)
                return replay, True
        attachment = Attachment(
            file_key=new_file_key(),
            uploader_id=actor_id,
            ticket_id=ticket_id,
            purpose=purpose,
            original_name=name,
            declared_content_type=(received.declared_content_type or None),
            content_type=content_type,
            size=received.size,
            sha256=received.sha256,
            status=FileStatus.PENDING.value,
            variants={},
        )
        session.add(attachment)
        session.flush()
        if idempotency_key is not None:
            session.add(
                IdempotencyKey(
                    user_id=actor_id,
                    key=idempotency_key,
                    request_fingerprint=fingerprint,
                    response_status=201,
                    response_body=attachment.file_key,
                )
            )
            try:
                session.flush()
            except IntegrityError:
                # The same key arrived concurrently and won: answer with its upload.
                session.rollback()
                storage.discard_incoming(received.incoming)
                replay = _replayed(session, actor_id, idempotency_key, fingerprint)
                if replay is None:
                    raise
                return replay, True
        storage.commit_incoming(received.incoming, attachment.file_key)
        committed_key = attachment.file_key
        return attachment, False
    except BaseException:
        storage.discard_incoming(received.incoming)
        if committed_key is not None:
            storage.delete(committed_key)
        raise


def _replayed(
    session: DbSession, actor_id: uuid.UUID, key: str, fingerprint: str
) -> Attachment | None:
    row: IdempotencyKey | None = session.scalar(
        sa.select(IdempotencyKey).filter_by(user_id=actor_id, key=key)
    )
    if row is None:
        return None
    if row.request_fingerprint != fingerprint:
        raise Invalid(
            "This Idempotency-Key was used with another upload.",
            errors={"headers.Idempotency-Key": ["Already used with another body."]},
        )
    attachment: Attachment | None = session.scalar(
        sa.select(Attachment).filter_by(file_key=row.response_body)
    )
    return attachment
