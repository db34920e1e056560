"""Write each service's OpenAPI document (as served at /api/<service>/openapi.json) to a folder.

The web application's typed API client is generated from these documents
(frontend-service/scripts/generate-api-types.mjs); a test regenerates them to catch drift.
Apps are built in the embedded mode on a throwaway folder: nothing is served or migrated.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from hdms_run.embedded import build_apps, embedded_environ
from hdms_run.services import SERVICES


def dump(out_dir: Path) -> list[Path]:
    """Write <segment>.json for every service into ``out_dir`` and return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as var:
        apps = build_apps(embedded_environ(Path(var), 8080), migrate=False)
        for service in SERVICES:
            name, segment = service.name, service.api
            response = apps[name].test_client().get(service.openapi_path)
            if response.status_code != 200:
                raise RuntimeError(f"{name}: /api/{segment}/openapi.json -> {response.status_code}")
            path = out_dir / f"{segment}.json"
            path.write_text(json.dumps(response.get_json(), indent=2, sort_keys=True) + "\n")
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    for path in dump(args.out_dir):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
