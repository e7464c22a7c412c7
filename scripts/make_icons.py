#!/usr/bin/env python3
"""Draws tsunagari's app icons (two linked rings, white on indigo) as PNGs.

No dependencies: pixels are computed with 3x3 supersampling and written with
zlib. Run from the repository root:  python3 scripts/make_icons.py
Writes public/icons/icon-192.png, icon-512.png, icon-maskable-512.png and
public/apple-touch-icon.png.
"""
import math
import struct
import zlib
from pathlib import Path

BG = (0x1B, 0x4F, 0x72)  # theme colour
FG = (0xFF, 0xFF, 0xFF)
SS = 3  # supersampling per axis


def coverage(x, y, *, scale, rounded):
    """(background alpha, foreground alpha) at a point in the unit square."""
    # Background: full square, or a rounded square for "any" icons.
    bg = 1.0
    if rounded:
        r = 0.18
        cx = min(max(x, r), 1 - r)
        cy = min(max(y, r), 1 - r)
        if math.hypot(x - cx, y - cy) > r:
            bg = 0.0
    # Two linked rings, centred, shrunk by `scale` for the maskable safe zone.
    u = 0.5 + (x - 0.5) / scale
    v = 0.5 + (y - 0.5) / scale
    fg = 0.0
    for cx in (0.38, 0.62):
        d = math.hypot(u - cx, v - 0.5)
        if abs(d - 0.19) <= 0.045:
            fg = 1.0
    return bg, fg


def draw(size, *, scale=1.0, rounded=False):
    rows = []
    for py in range(size):
        row = bytearray([0])  # filter: none
        for px in range(size):
            a_bg = a_fg = 0.0
            for sy in range(SS):
                for sx in range(SS):
                    x = (px + (sx + 0.5) / SS) / size
                    y = (py + (sy + 0.5) / SS) / size
                    bg, fg = coverage(x, y, scale=scale, rounded=rounded)
                    a_bg += bg
                    a_fg += fg * bg
            n = SS * SS
            a_bg /= n
            a_fg /= n
            if a_bg == 0:
                row += bytes((0, 0, 0, 0))
                continue
            t = a_fg / a_bg
            rgb = [round(b + (f - b) * t) for b, f in zip(BG, FG)]
            row += bytes((*rgb, round(a_bg * 255)))
        rows.append(bytes(row))
    return png(size, size, b"".join(rows))


def png(w, h, raw):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main():
    out = Path("public")
    (out / "icons").mkdir(parents=True, exist_ok=True)
    (out / "icons/icon-192.png").write_bytes(draw(192, rounded=True))
    (out / "icons/icon-512.png").write_bytes(draw(512, rounded=True))
    # Maskable: full bleed, the motif inside the central 80 % safe zone.
    (out / "icons/icon-maskable-512.png").write_bytes(draw(512, scale=0.75))
    # iOS rounds the corners itself and dislikes transparency.
    (out / "apple-touch-icon.png").write_bytes(draw(180))


if __name__ == "__main__":
    main()
