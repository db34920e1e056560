"""The allow-list of uploads: content types sniffed from the bytes and the extensions each allows.

The client's name and Content-Type are never trusted: libmagic reads the first bytes, the type
must be listed here, and a name's extension must be one the sniffed type allows (a ``.png``
that is an ELF binary or an HTML page is refused with 415).
"""

from __future__ import annotations

from dataclasses import dataclass

import magic

#: How many leading bytes libmagic gets (office formats are recognised from their first entries).
SNIFF_BYTES = 256 * 1024

IMAGE = "image"
VIDEO = "video"
ZIP = "zip"
DOCUMENT = "document"
TEXT = "text"

_OPENXML = "application/vnd.openxmlformats-officedocument"
_OPENDOC = "application/vnd.oasis.opendocument"
_OFFICE_ZIP_EXTENSIONS = ("docx", "xlsx", "pptx", "odt", "ods", "odp")


@dataclass(frozen=True)
class AllowedType:
    content_type: str
    kind: str
    extensions: tuple[str, ...]


ALLOWED = {
    t.content_type: t
    for t in (
        AllowedType("image/png", IMAGE, ("png",)),
        AllowedType("image/jpeg", IMAGE, ("jpg", "jpeg", "jfif")),
        AllowedType("image/gif", IMAGE, ("gif",)),
        AllowedType("image/webp", IMAGE, ("webp",)),
        AllowedType("video/mp4", VIDEO, ("mp4", "m4v")),
        AllowedType("video/quicktime", VIDEO, ("mov",)),
        AllowedType("video/webm", VIDEO, ("webm",)),
        AllowedType("video/x-matroska", VIDEO, ("mkv",)),
        AllowedType("video/x-msvideo", VIDEO, ("avi",)),
        AllowedType("application/pdf", DOCUMENT, ("pdf",)),
        AllowedType("text/plain", TEXT, ("txt", "log", "text", "md", "csv")),
        AllowedType("text/csv", TEXT, ("csv", "txt")),
        # zip: kept as it is, never extracted here; docx & co. are zips that libmagic may
        # or may not name as such depending on the order of their entries.
        AllowedType("application/zip", ZIP, ("zip", *_OFFICE_ZIP_EXTENSIONS)),
        AllowedType(f"{_OPENXML}.wordprocessingml.document", ZIP, ("docx",)),
        AllowedType(f"{_OPENXML}.spreadsheetml.sheet", ZIP, ("xlsx",)),
        AllowedType(f"{_OPENXML}.presentationml.presentation", ZIP, ("pptx",)),
        AllowedType(f"{_OPENDOC}.text", ZIP, ("odt",)),
        AllowedType(f"{_OPENDOC}.spreadsheet", ZIP, ("ods",)),
        AllowedType(f"{_OPENDOC}.presentation", ZIP, ("odp",)),
        # Legacy Office files are OLE compound documents; libmagic names them by content.
        AllowedType("application/msword", DOCUMENT, ("doc",)),
        AllowedType("application/vnd.ms-excel", DOCUMENT, ("xls",)),
        AllowedType("application/vnd.ms-powerpoint", DOCUMENT, ("ppt",)),
        AllowedType("application/x-ole-storage", DOCUMENT, ("doc", "xls", "ppt")),
        AllowedType("application/cdfv2", DOCUMENT, ("doc", "xls", "ppt")),
    )
}

#: The Content-Type a zip-based office file is served with, from its extension.
_OFFICE_BY_EXTENSION = {
    "docx": f"{_OPENXML}.wordprocessingml.document",
    "xlsx": f"{_OPENXML}.spreadsheetml.sheet",
    "pptx": f"{_OPENXML}.presentationml.presentation",
    "odt": f"{_OPENDOC}.text",
    "ods": f"{_OPENDOC}.spreadsheet",
    "odp": f"{_OPENDOC}.presentation",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
}


def sniff(head: bytes) -> str:
    """The content type libmagic reads from the first bytes of a file."""
    return str(magic.from_buffer(head[:SNIFF_BYTES], mime=True)).lower()


def extension_of(name: str) -> str:
    _, dot, extension = name.rpartition(".")
    return extension.lower() if dot and _ else ""


def served_content_type(sniffed: str, name: str) -> str:
    """The type a file is stored and served as: the sniffed one, made precise for office files."""
    if sniffed in ("application/zip", "application/x-ole-storage", "application/cdfv2"):
        return _OFFICE_BY_EXTENSION.get(extension_of(name), sniffed)
    return sniffed
