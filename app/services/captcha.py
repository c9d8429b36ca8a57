"""Image captcha drawn with Pillow: five characters from an unambiguous alphabet, distorted."""

from __future__ import annotations

import io
import math
import secrets
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B, G/6: nothing two people would read differently.
ALPHABET = "ACDEFHJKMNPRTUVWXY34679"
LENGTH = 5
WIDTH, HEIGHT = 170, 56

_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
)


def new_answer() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


@cache
def _font(size: int):
    for path in _FONT_CANDIDATES:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def render_png(answer: str) -> bytes:
    rnd = secrets.SystemRandom()
    img = Image.new("RGB", (WIDTH, HEIGHT), (248, 250, 252))
    draw = ImageDraw.Draw(img)
    for _ in range(6):  # background lines
        draw.line(
            [
                (rnd.randint(0, WIDTH), rnd.randint(0, HEIGHT)),
                (rnd.randint(0, WIDTH), rnd.randint(0, HEIGHT)),
            ],
            fill=(rnd.randint(150, 200), rnd.randint(150, 200), rnd.randint(150, 200)),
            width=1,
        )
    x = 10
    for ch in answer:
        size = rnd.randint(28, 34)
        glyph = Image.new("RGBA", (44, 50), (0, 0, 0, 0))
        gd = ImageDraw.Draw(glyph)
        colour = (rnd.randint(10, 80), rnd.randint(20, 90), rnd.randint(60, 140), 255)
        gd.text((6, 4), ch, font=_font(size), fill=colour)
        glyph = glyph.rotate(rnd.uniform(-25, 25), resample=Image.Resampling.BICUBIC, expand=False)
        img.paste(glyph, (x, rnd.randint(0, 8)), glyph)
        x += rnd.randint(28, 32)
    # A sine wave distortion across the whole image.
    amp, period, phase = rnd.uniform(2, 4), rnd.uniform(40, 70), rnd.uniform(0, math.tau)
    warped = Image.new("RGB", (WIDTH, HEIGHT), (248, 250, 252))
    for col in range(WIDTH):
        dy = int(amp * math.sin(col / period * math.tau + phase))
        strip = img.crop((col, 0, col + 1, HEIGHT))
        warped.paste(strip, (col, dy))
    draw = ImageDraw.Draw(warped)
    for _ in range(120):  # noise dots
        draw.point((rnd.randint(0, WIDTH - 1), rnd.randint(0, HEIGHT - 1)), fill=(90, 90, 90))
    warped = warped.filter(ImageFilter.SMOOTH)
    buf = io.BytesIO()
    warped.save(buf, format="PNG", optimize=True)
    return buf.getvalue()
