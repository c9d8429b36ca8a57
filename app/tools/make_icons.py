"""Render static/img/emblem.svg into the favicon and the home-screen icons (issue 17).

Run from the project root when the emblem changes: `.venv/bin/python -m app.tools.make_icons`. The results are
committed, so serving them needs nothing: favicon.ico (16, 32, 48 px), icon-192/512.png for the web manifest,
apple-touch-icon.png (on white, as iOS fills transparency with black). Uses Debian's chromium through
Playwright (a test dependency) to draw the SVG, Pillow to scale and write.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

IMG = Path(__file__).resolve().parents[2] / "static" / "img"


def main() -> None:
    from playwright.sync_api import sync_playwright

    svg = (IMG / "emblem.svg").read_text(encoding="utf-8")
    sized = svg.replace("<svg ", '<svg width="512" height="512" ', 1)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 512, "height": 512})
        page.set_content("<html><body style='margin:0;background:transparent'>" + sized + "</body></html>")
        png = page.screenshot(omit_background=True, clip={"x": 0, "y": 0, "width": 512, "height": 512})
        browser.close()
    big = Image.open(io.BytesIO(png)).convert("RGBA")
    for size in (192, 512):
        big.resize((size, size), Image.LANCZOS).save(IMG / f"icon-{size}.png", optimize=True)
    touch = Image.new("RGBA", (180, 180), (255, 255, 255, 255))
    touch.alpha_composite(big.resize((160, 160), Image.LANCZOS), (10, 10))
    touch.convert("RGB").save(IMG / "apple-touch-icon.png", optimize=True)
    big.save(IMG / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])


if __name__ == "__main__":
    main()
