"""The life cycle depends on no service: services call the FSM, never the reverse.

Read from the source so that a module-level import of a service into fsm.py fails here at once
(a circle between them is what made the write path hard to follow).
"""

from __future__ import annotations

import ast
from pathlib import Path

import ticket_service.fsm
import ticket_service.statuses

PACKAGE = Path(ticket_service.fsm.__file__).parent


def _module_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            names.extend(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
    return names


def test_fsm_imports_no_service() -> None:
    imports = _module_imports(PACKAGE / "fsm.py")
    assert [name for name in imports if name.startswith("ticket_service.services")] == []


def test_statuses_import_nothing_of_the_service() -> None:
    imports = _module_imports(Path(ticket_service.statuses.__file__))
    assert [name for name in imports if name.startswith("ticket_service")] == []
