"""Images to WebP and videos to MP4, with the guards that make untrusted media safe to open.

Images: Pillow opens only the formats on the allow-list (format-specific bombs exist), the
pixel count is checked from the header before any decoding, EXIF orientation is applied and no
metadata (EXIF, XMP, ICC comments) is written to the outputs. Videos: PyAV reads the
container's header first (duration and frame size bounded), then re-encodes to H.264 + AAC,
yuv420p, with the moov atom first (faststart) so browsers start playing before the end.

PyAV is imported by the two functions that read video, not at the top: it is 17 MiB of modules
in every process that imports file_service, and most of them (the background process, an idle
web worker or Celery worker) never open a video (docs/stack.md, "Processes and memory").
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps

PIL_FORMATS = ("PNG", "JPEG", "GIF", "WEBP")
THUMBNAIL_SIZE = (320, 320)
WEBP_QUALITY = 82
#: The WebP format stores each side in 14 bits: no side may exceed 16,383 pixels.
WEBP_MAX_SIDE = 16_383
VIDEO_MAX_WIDTH = 1280
VIDEO_MAX_HEIGHT = 720
VIDEO_AUDIO_RATE = 48_000


class MediaRefused(Exception):
    """The media is unsafe or unusable (too many pixels, too long, unreadable)."""


@dataclass(frozen=True)
class ImageInfo:
    width: int
    height: int
    format: str


@dataclass(frozen=True)
class VideoInfo:
    width: int
    height: int
    seconds: float
    has_audio: bool


def _open_image(path: Path, max_pixels: int) -> Image.Image:
    # Pillow's own guard is global; keep it at least as strict as ours and turn its warning
    # (between 1x and 2x the limit) into a refusal too.
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path, formats=list(PIL_FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise MediaRefused(f"The image has more than {max_pixels} pixels.") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise MediaRefused("The image cannot be read.") from exc
    if image.width * image.height > max_pixels:
        image.close()
        raise MediaRefused(f"The image has more than {max_pixels} pixels.")
    return image


def probe_image(path: Path, *, max_pixels: int) -> ImageInfo:
    """Read the header only: dimensions and format, refused past ``max_pixels``."""
    with _open_image(path, max_pixels) as image:
        return ImageInfo(image.width, image.height, str(image.format))


def convert_image(source: Path, *, webp: Path, thumbnail: Path, max_pixels: int) -> None:
    """Write ``source`` as WebP (full size) and a WebP thumbnail, without metadata.

    An image with a side longer than WebP allows (a 20,000 x 10 timeline is well under the
    pixel limit) is scaled down to fit, keeping its aspect ratio; the original keeps every pixel.
    """
    with _open_image(source, max_pixels) as image:
        try:
            image.seek(0)  # animated GIF/WebP: the first frame stands for the image
            upright = ImageOps.exif_transpose(image)
            mode = "RGBA" if upright.mode in ("RGBA", "LA", "P", "PA") else "RGB"
            clean = upright.convert(mode)
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
            raise MediaRefused("The image cannot be decoded.") from exc
    # Nothing of the original's EXIF, XMP, ICC profile or comments may reach the outputs:
    # the WebP writer takes them from ``info`` only, and it is emptied here.
    clean.info = {}
    if max(clean.size) > WEBP_MAX_SIDE:
        clean.thumbnail((WEBP_MAX_SIDE, WEBP_MAX_SIDE), Image.Resampling.LANCZOS)
    clean.save(webp, "WEBP", quality=WEBP_QUALITY, method=4)
    clean.thumbnail(THUMBNAIL_SIZE)
    clean.save(thumbnail, "WEBP", quality=WEBP_QUALITY, method=4)


def probe_video(path: Path, *, max_seconds: int, max_pixels: int) -> VideoInfo:
    """Read the container's header: refuse no video stream, too long or too big a frame."""
    import av

    try:
        with av.open(str(path), "r") as container:
            if not container.streams.video:
                raise MediaRefused("The file has no video stream.")
            stream = container.streams.video[0]
            width, height = stream.codec_context.width, stream.codec_context.height
            if container.duration is not None:
                seconds = container.duration / av.time_base
            elif stream.duration is not None and stream.time_base is not None:
                seconds = float(stream.duration * stream.time_base)
            else:
                seconds = 0.0
            has_audio = bool(container.streams.audio)
    except av.FFmpegError as exc:
        raise MediaRefused("The video cannot be read.") from exc
    if not width or not height:
        raise MediaRefused("The video has no frame size.")
    if width * height > max_pixels:
        raise MediaRefused(f"The video's frames are larger than {max_pixels} pixels.")
    if seconds > max_seconds:
        raise MediaRefused(f"The video is longer than {max_seconds} seconds.")
    return VideoInfo(width, height, seconds, has_audio)


def _output_size(width: int, height: int) -> tuple[int, int]:
    scale = min(1.0, VIDEO_MAX_WIDTH / width, VIDEO_MAX_HEIGHT / height)
    # yuv420p needs even dimensions.
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


def convert_video(
    source: Path, *, mp4: Path, poster: Path, max_seconds: int, max_pixels: int
) -> None:
    """Re-encode to MP4 (H.264 yuv420p, AAC when the source has sound, faststart) + a poster."""
    import av

    info = probe_video(source, max_seconds=max_seconds, max_pixels=max_pixels)
    width, height = _output_size(info.width, info.height)
    poster_image: Image.Image | None = None
    try:
        with (
            av.open(str(source), "r") as src,
            av.open(str(mp4), "w", format="mp4", options={"movflags": "+faststart"}) as out,
        ):
            in_video = src.streams.video[0]
            in_audio = src.streams.audio[0] if src.streams.audio else None
            rate = in_video.average_rate or Fraction(25, 1)
            if rate > 60:
                rate = Fraction(60, 1)
            video = out.add_stream("libx264", rate=rate)
            video.width, video.height, video.pix_fmt = width, height, "yuv420p"
            video.options = {"preset": "veryfast", "crf": "23"}
            audio: Any = None
            resampler = None
            if in_audio is not None:
                audio = out.add_stream("aac", rate=VIDEO_AUDIO_RATE)
                audio.layout = "stereo"
                resampler = av.AudioResampler(format="fltp", layout="stereo", rate=VIDEO_AUDIO_RATE)
            streams = [in_video] + ([in_audio] if in_audio is not None else [])
            limit = float(max_seconds) + 1.0
            frame_index = 0
            decoded: Any
            for decoded in src.decode(*streams):
                frame = decoded
                if frame.time is not None and frame.time > limit:
                    break
                if isinstance(frame, av.VideoFrame):
                    if poster_image is None:
                        poster_image = frame.to_image()  # type: ignore[no-untyped-call,unused-ignore]
                    scaled = frame.reformat(width=width, height=height, format="yuv420p")
                    scaled.pts = frame_index
                    scaled.time_base = Fraction(1, 1) / rate
                    frame_index += 1
                    for packet in video.encode(scaled):
                        out.mux(packet)
                elif resampler is not None:
                    frame.pts = None
                    for resampled in resampler.resample(frame):
                        for packet in audio.encode(resampled):
                            out.mux(packet)
            for packet in video.encode():
                out.mux(packet)
            if audio is not None and resampler is not None:
                for resampled in resampler.resample(None):
                    for packet in audio.encode(resampled):
                        out.mux(packet)
                for packet in audio.encode():
                    out.mux(packet)
    except av.FFmpegError as exc:
        raise MediaRefused("The video cannot be converted.") from exc
    if poster_image is None:
        raise MediaRefused("The video has no frames.")
    poster_image = poster_image.convert("RGB")
    poster_image.thumbnail(THUMBNAIL_SIZE)
    poster_image.save(poster, "WEBP", quality=WEBP_QUALITY)
