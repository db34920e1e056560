"""PyAV is loaded by the first video, not by building the app (file_service.media)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BUILD_AND_REPORT = """
import sys
from file_service import create_app
import file_service.tasks
create_app()
print("av" in sys.modules)
from file_service.media import MediaRefused, probe_video
try:
    probe_video(__import__("pathlib").Path(sys.argv[1]), max_seconds=10, max_pixels=10**6)
except MediaRefused:
    pass
print("av" in sys.modules)
"""


def test_the_app_and_its_tasks_load_pyav_only_when_a_video_is_read(tmp_path: Path) -> None:
    not_a_video = tmp_path / "clip.mp4"
    not_a_video.write_bytes(b"not a video at all")
    result = subprocess.run(
        [sys.executable, "-c", BUILD_AND_REPORT, str(not_a_video)],
        env={"DATABASE_URL": f"sqlite:///{tmp_path / 'files.db'}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.split() == ["False", "True"]
