#!/usr/bin/env python3
"""Shrinks a screenshot PNG in place: 64-colour palette, maximum compression.

Needs Pillow (pip install pillow). Usage: python3 scripts/shrink_png.py FILE...
"""
import sys

from PIL import Image

for path in sys.argv[1:]:
    image = Image.open(path).convert("RGB")
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    print(path, image.size)
