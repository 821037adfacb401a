"""Images the user gives (a club logo): read, checked and placed."""

from __future__ import annotations

from pathlib import Path

from reportlab.platypus import Flowable

from pdfgen.errors import InputError, Problem


def logo_flowable(path: Path, size: float) -> Flowable:
    """The club's logo, scaled to fit a size x size square; an unreadable file is an input error."""
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image

    try:
        iw, ih = ImageReader(str(path)).getSize()
    except Exception as exc:  # ReportLab/Pillow raise many kinds for a bad image
        raise InputError(Problem(str(path), None, "logo", f"cannot be read as a PNG or JPG image ({exc})")) from None
    k = min(size / iw, size / ih)
    return Image(str(path), width=iw * k, height=ih * k)
