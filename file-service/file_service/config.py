"""file-service settings: the shared ones plus the limits of uploads, scanning and media."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hdms_common.config import Settings, environment, load_settings, read_int

SERVICE_NAME = "file"


@dataclass(frozen=True)
class FileLimits:
    """What an upload may be and how long processing may take (docs/file-service.md)."""

    #: Largest image accepted, in pixels (Pillow's decompression-bomb guard).
    max_image_pixels: int = 40_000_000
    #: Zip-based uploads (zip, docx, xlsx...): the declared uncompressed total and ratio.
    max_zip_uncompressed: int = 2 * 1024**3
    max_zip_ratio: int = 200
    max_zip_entries: int = 10_000
    #: Longest video converted, in seconds, and its largest frame.
    max_video_seconds: int = 600
    max_video_pixels: int = 3840 * 2160
    #: clamd: connect/read time-out, and attempts before a file is marked failed.
    scan_timeout_seconds: int = 60
    scan_max_attempts: int = 5
    #: A file in scanning or processing longer than this is stale (the sweep retries it).
    stale_after_seconds: int = 1800
    #: The sweep gives up on a file after this many processing attempts.
    max_processing_attempts: int = 3
    #: When set, downloads are answered with X-Accel-Redirect to this nginx location.
    accel_redirect_prefix: str = ""


def load_file_settings(environ: Mapping[str, str] | None = None) -> Settings:
    return load_settings(SERVICE_NAME, environ=environ)


def load_file_limits(environ: Mapping[str, str] | None = None) -> FileLimits:
    env = environment(environ)
    defaults = FileLimits()
    return FileLimits(
        max_image_pixels=read_int(env, "FILE_MAX_IMAGE_PIXELS", defaults.max_image_pixels),
        max_zip_uncompressed=read_int(
            env, "FILE_MAX_ZIP_UNCOMPRESSED", defaults.max_zip_uncompressed
        ),
        max_zip_ratio=read_int(env, "FILE_MAX_ZIP_RATIO", defaults.max_zip_ratio),
        max_zip_entries=read_int(env, "FILE_MAX_ZIP_ENTRIES", defaults.max_zip_entries),
        max_video_seconds=read_int(env, "FILE_MAX_VIDEO_SECONDS", defaults.max_video_seconds),
        max_video_pixels=read_int(env, "FILE_MAX_VIDEO_PIXELS", defaults.max_video_pixels),
        scan_timeout_seconds=read_int(
            env, "FILE_SCAN_TIMEOUT_SECONDS", defaults.scan_timeout_seconds
        ),
        scan_max_attempts=read_int(env, "FILE_SCAN_MAX_ATTEMPTS", defaults.scan_max_attempts),
        stale_after_seconds=read_int(env, "FILE_STALE_AFTER_SECONDS", defaults.stale_after_seconds),
        max_processing_attempts=read_int(
            env, "FILE_MAX_PROCESSING_ATTEMPTS", defaults.max_processing_attempts
        ),
        accel_redirect_prefix=env.get("FILE_ACCEL_REDIRECT_PREFIX", ""),
    )
