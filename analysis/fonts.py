"""The CJK font every chart and word cloud uses, shipped by the `mplfonts` package.

A fresh install has no Chinese system font, so matplotlib would draw boxes; taking the font
from a Python package makes charts read the same on every machine.
"""

from functools import cache
from importlib.resources import files
from pathlib import Path

CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"


@cache
def cjk_font_path() -> Path:
    """Path of Noto Sans CJK SC inside the installed mplfonts package."""
    return Path(str(files("mplfonts") / "fonts" / CJK_FONT_FILE))


@cache
def register_cjk_font() -> str:
    """Add the CJK font to matplotlib's font manager once; return its family name.

    The entry goes first in the font list: a machine with the same family installed system-wide
    (Debian's fonts-noto-cjk) would otherwise win the tie, and charts would differ by machine.
    """
    from matplotlib import font_manager

    path = cjk_font_path()
    manager = font_manager.fontManager
    manager.addfont(str(path))
    ours = [entry for entry in manager.ttflist if Path(entry.fname) == path]
    manager.ttflist = ours + [entry for entry in manager.ttflist if Path(entry.fname) != path]
    return font_manager.FontProperties(fname=str(path)).get_name()
