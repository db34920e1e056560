"""A small stand-in for the web application's static export (what `next build` writes), so the
serving tests need no Node.js build."""

from __future__ import annotations

from pathlib import Path

ASSET = "_next/static/chunks/app-0123abcd.js"
STYLE = "_next/static/css/site-4567ef.css"


def make_fake_export(root: Path) -> Path:
    """index.html, sign-in.html, tickets/view.html, 404.html, hashed assets, a stamp."""
    pages = {
        "index.html": "home page",
        "sign-in.html": "sign-in page",
        "tickets/view.html": "ticket view page",
        "404.html": "not found page",
    }
    for name, marker in pages.items():
        page = root / name
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(
            f'<!DOCTYPE html><html><head><link rel="stylesheet" href="/{STYLE}"/>'
            f'<script src="/{ASSET}" async=""></script></head><body>{marker}</body></html>'
        )
    (root / "sign-in.txt").write_text('1:"$Sreact.fragment"\n')
    asset = root / ASSET
    asset.parent.mkdir(parents=True, exist_ok=True)
    asset.write_text("console.log('app');\n" * 5000)  # > one read chunk
    style = root / STYLE
    style.parent.mkdir(parents=True, exist_ok=True)
    style.write_text("body{margin:0}\n")
    (root / ".build-stamp").write_text("0" * 64 + "\n")
    # A file beside the export that no request may reach.
    (root.parent / "secret.txt").write_text("outside the web root\n")
    return root
