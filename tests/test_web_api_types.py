"""The web application's API types are what the services serve.

frontend-service/src/services/api/schema/*.d.ts are generated from the services' OpenAPI
documents (`npm run gen:api`). Here the documents are dumped afresh and the types generated into
a temporary folder: any difference from the committed files means a service changed its contract
without the types (and the screens using them) following.
"""

from __future__ import annotations

import difflib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FRONTEND = ROOT / "frontend-service"
COMMITTED = FRONTEND / "src" / "services" / "api" / "schema"


def test_generated_api_types_match_the_services_openapi_documents(tmp_path):
    if shutil.which("node") is None:
        pytest.fail("Node.js 20+ is needed to generate the web application's API types")
    if not (FRONTEND / "node_modules" / "openapi-typescript").is_dir():
        pytest.fail("frontend-service/node_modules is missing: run `make web-deps`")
    documents, generated = tmp_path / "openapi", tmp_path / "schema"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "dump_openapi.py"), str(documents)],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["node", "scripts/generate-api-types.mjs", str(documents), str(generated)],
        cwd=FRONTEND,
        check=True,
        capture_output=True,
    )
    names = sorted(p.name for p in generated.glob("*.d.ts"))
    assert names == ["auth.d.ts", "chat.d.ts", "files.d.ts", "tickets.d.ts"]
    assert sorted(p.name for p in COMMITTED.glob("*.d.ts")) == names
    for name in names:
        fresh = (generated / name).read_text().splitlines()
        kept = (COMMITTED / name).read_text().splitlines()
        diff = "\n".join(list(difflib.unified_diff(kept, fresh, "committed", "served", n=1))[:60])
        assert fresh == kept, f"{name} differs from the served contract (npm run gen:api):\n{diff}"
