"""Demo data stays out of what serves requests and runs background work.

Read from the source (every import, also those inside functions), so that an import of the CLI
or the demo module from elsewhere fails here at once: background.py importing cli.py for the
demo seed while cli.py imported background.py was a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import ticket_service

PACKAGE = Path(ticket_service.__file__).parent
#: The seeding entry points: `flask seed-demo-tickets` and the embedded start's seed.
DEMO_IMPORTERS = {"cli.py", "__init__.py"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_background_work_imports_neither_the_cli_nor_the_demo_data() -> None:
    imports = _imports(PACKAGE / "background.py")
    assert {"ticket_service.cli", "ticket_service.demo"} & imports == set()


def test_only_the_seeding_entry_points_import_the_demo_data() -> None:
    importers = {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path.name != "demo.py" and "ticket_service.demo" in _imports(path)
    }
    assert importers == DEMO_IMPORTERS
