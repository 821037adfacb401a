"""Pictures from users (a club logo, an exercise's `illustration.image`): checked, then placed small.

Everything that opens a user's image goes through here, so the rules live once:
- only PNG and JPEG; anything else is one plain sentence (never a ReportLab/Pillow repr with an
  object address, which differs each run);
- the size is read from the file's header and anything over MAX_PIXELS is refused before a pixel
  is decoded (a 20,000 x 20,000 PNG is a few KB on disk and 1.2 GB in memory);
- a picture is resampled to at most MAX_PPI at the size it is printed, and written to the PDF as
  binary Flate (or the JPEG as it is), not ASCII85: a 4000 x 4000 logo printed 28 mm wide needs
  ~330 px, not 16 megapixels.
"""

from __future__ import annotations

import io
import math
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pdfgen.cache import memo

MAX_PIXELS = 50_000_000  # 50 megapixels: far beyond any print need, far below a decompression bomb
MAX_PPI = 300  # print resolution; more only makes the PDF bigger
FORMATS = {"PNG": "PNG", "JPEG": "JPG", "MPO": "JPG"}  # MPO: a JPEG from a phone camera


class ImageError(ValueError):
    """A picture that cannot be used; the message is one line, the same on every run."""


@dataclass(frozen=True)
class Picture:
    """A checked picture: its file and its size in pixels, read from the header alone."""

    path: Path
    width: int
    height: int
    format: str  # PNG or JPEG


def inspect(path: Path) -> Picture:
    """Check a picture from its header: a PNG or JPEG of at most MAX_PIXELS. Decodes nothing."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # DecompressionBombWarning: the limit below is ours
            with Image.open(path) as im:  # lazy: reads the header only
                width, height, fmt = im.size[0], im.size[1], im.format or ""
    except FileNotFoundError:
        raise ImageError("does not exist (give an existing PNG or JPG)") from None
    except IsADirectoryError:
        raise ImageError("is a folder (give a PNG or JPG file)") from None
    except Image.DecompressionBombError as exc:  # Pillow's own, larger limit, hit while reading the header
        found = re.search(r"\((\d+) pixels\)", str(exc))
        size = f"{int(found.group(1)) / 1e6:,.0f} megapixels" if found else "too many pixels"
        raise ImageError(f"is {size} (at most {MAX_PIXELS // 1_000_000} allowed)") from None
    except (UnidentifiedImageError, SyntaxError, ValueError, EOFError):
        raise ImageError("cannot be read as a PNG or JPG image (the file is not a picture, or is damaged)") from None
    except OSError as exc:
        raise ImageError(f"cannot be read ({exc.strerror or 'damaged file'})") from None
    if fmt not in FORMATS:
        raise ImageError(f"is a {fmt or 'unknown'} picture (PNG or JPG allowed)")
    if width * height > MAX_PIXELS:
        raise ImageError(
            f"is {width:,} x {height:,} pixels ({width * height / 1e6:.0f} megapixels; at most {MAX_PIXELS // 1_000_000} allowed)"
        )
    if width < 1 or height < 1:
        raise ImageError("has no pixels (PNG or JPG allowed)")
    return Picture(Path(path), width, height, "JPEG" if FORMATS[fmt] == "JPG" else "PNG")


def pixels_for(picture: Picture, width_pt: float, height_pt: float) -> tuple[int, int]:
    """The picture's size in pixels at MAX_PPI when printed width_pt x height_pt (never enlarged)."""
    scale = min(1.0, width_pt / 72 * MAX_PPI / picture.width, height_pt / 72 * MAX_PPI / picture.height)
    return max(1, math.ceil(picture.width * scale)), max(1, math.ceil(picture.height * scale))


@memo(16)  # the fit search places the same logo several times; decode it once
def _encoded(path: Path, stamp: tuple[int, int], size: tuple[int, int]) -> bytes:
    """The picture at `size`, as JPEG (a JPEG source) or PNG bytes; decoding errors become ImageError."""
    from PIL import Image

    try:
        with Image.open(path) as im:
            fmt = im.format
            if fmt in ("JPEG", "MPO"):
                im.draft("RGB", size)  # decode at 1/2, 1/4, 1/8 scale when that is enough: fast, little memory
            im.load()
            if im.size == size and fmt == "PNG" and im.mode in ("RGB", "RGBA", "L", "LA"):
                return Path(path).read_bytes()
            if im.mode not in ("RGB", "RGBA", "L", "LA"):
                im = im.convert("RGBA" if "transparency" in im.info or im.mode in ("P", "PA") else "RGB")
            if im.size != size:
                im = im.resize(size, Image.Resampling.LANCZOS)
            out = io.BytesIO()
            if fmt in ("JPEG", "MPO") and im.mode in ("RGB", "L"):
                im.save(out, format="JPEG", quality=90, optimize=True)
            else:
                im.save(out, format="PNG", optimize=True)
            return out.getvalue()
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        raise ImageError("cannot be read as a PNG or JPG image (the file is damaged)") from None


def placed(picture: Picture, width_pt: float, height_pt: float) -> io.BytesIO:
    """The picture resampled for printing at width_pt x height_pt, as an image file in memory."""
    st = picture.path.stat()
    return io.BytesIO(_encoded(picture.path, (st.st_mtime_ns, st.st_size), pixels_for(picture, width_pt, height_pt)))


@contextmanager
def binary_streams() -> Iterator[None]:
    """ReportLab writes image data as ASCII85 (25% larger) unless rl_config.useA85 is off when the
    image object is made; off only while our pictures are drawn, so nothing else changes."""
    from reportlab import rl_config

    before = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = before


def logo(path: Path, size: float) -> Any:
    """A flowable of the club's logo fitted into a size x size square; a bad file is an input error."""
    from reportlab.platypus import Image

    from pdfgen.errors import InputError, Problem

    try:
        picture = inspect(path)
        k = min(size / picture.width, size / picture.height)
        data = placed(picture, picture.width * k, picture.height * k)
    except ImageError as exc:
        raise InputError(Problem(str(path), None, "logo", str(exc))) from None

    from pdfgen import rl_private

    class _Logo(Image):
        def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
            rl_private.marked_draw(self, canvas, x, y, lambda: super(_Logo, self).drawOn(canvas, x, y, _sW))

        def draw(self) -> None:
            with binary_streams():
                super().draw()

    return _Logo(data, width=picture.width * k, height=picture.height * k)
