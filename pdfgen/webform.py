"""The web page's form, as the command line would say it: form fields -> build options, and back.

`kneecard serve` must give the same PDF and the same messages as `kneecard build`, so a form
becomes the very options dict the CLI makes (`options`), and each problem the pipeline
raises is put beside the form field it is about (`form_field`). No web framework here: the
fields arrive as a plain `get`/`getlist` mapping, which keeps this testable on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pdfgen.errors import Problem
from pdfgen.schema import did_you_mean

FIELDS = (
    "layout",
    "paper",
    "region",
    "methods",
    "exercises",
    "name",
    "ice_minutes",
    "notes",
    "url",
    "club_name",
    "club_url",
    "club_logo",
    "tracker",
    "backs",
    "country",
    "pdfa",
    "lang",
)
TRUE = ("true", "yes", "on", "1")
FALSE = ("false", "no", "off", "0")
TEXT_LIMIT = 10_000  # characters of any one field before it is even looked at: the pipeline's own limits are far lower

# option flags of the CLI's problems -> the form field they are about
OPTION_FIELDS = {
    "--name": "name",
    "--region": "region",
    "region": "region",
    "page.region_default": "region",
    "--methods": "methods",
    "--exercises": "exercises",
    "--layout": "layout",
    "layout": "layout",
    "--paper": "paper",
    "--ice-minutes": "ice_minutes",
    "--notes": "notes",
    "--club": "club_name",
    "--logo": "club_logo",
    "logo": "club_logo",
    "--tracker": "tracker",
    "--backs": "backs",
    "--country": "country",
    "--pdfa": "pdfa",
    "--lang": "lang",
}


class Fields(Protocol):
    """What a request's form is to us (werkzeug's MultiDict is one)."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def getlist(self, key: str) -> list[Any]: ...


@dataclass(frozen=True)
class Choices:
    """What the form offers: layouts by name only (never a path), languages when there are several."""

    layouts: tuple[str, ...]
    languages: tuple[str, ...] = ()


def _text(fields: Fields, key: str) -> str | None:
    value = fields.get(key)
    if value is None:
        return None
    value = str(value)[:TEXT_LIMIT]
    return value if value.strip() else None


def _flag(fields: Fields, key: str) -> Any:
    """A checkbox or yes/no select: True, False, None (not given), or the odd text for the pipeline to refuse."""
    value = _text(fields, key)
    if value is None or value.strip().lower() == "auto":
        return None
    low = value.strip().lower()
    return True if low in TRUE else False if low in FALSE else value


def options(fields: Fields, choices: Choices, logo: Path | None) -> tuple[dict[str, Any], list[Problem]]:
    """The options `kneecard build` would get from the same fields, and the problems only the
    web page has (a layout that is not one of the listed names, a language that is not offered)."""
    problems: list[Problem] = []
    opts: dict[str, Any] = {}
    for key in ("name", "notes", "paper", "region", "country"):
        value = _text(fields, key)
        if value is not None:
            opts[key] = value
    layout = _text(fields, "layout")
    if layout is not None:
        if layout not in choices.layouts:  # a name from the list, never a path on the server
            hint = did_you_mean(layout, choices.layouts)
            message = f"'{layout[:80]}' is not a layout{hint} (allowed: {', '.join(choices.layouts)})"
            problems.append(Problem(None, None, "--layout", message))
        else:
            opts["layout"] = layout
    for key in ("methods", "exercises"):
        ids = [str(v)[:TEXT_LIMIT].strip() for v in fields.getlist(key) if str(v).strip()]
        if ids:
            opts[key] = ids
        elif fields.get(f"{key}_shown"):  # the form listed them and none is ticked: none, not the default
            opts[key] = []
    minutes = _text(fields, "ice_minutes")
    if minutes is not None:
        minutes = minutes.strip()
        opts["ice_minutes"] = int(minutes) if minutes.lstrip("+-").isdigit() and len(minutes) < 10 else minutes
    for key in ("tracker", "backs", "pdfa"):
        value = _flag(fields, key)
        if value is not None and not (key != "tracker" and value is False):  # --backs, --pdfa are flags: off is not given
            opts[key] = value
    club_name, club_url = _text(fields, "club_name"), _text(fields, "club_url")
    if club_name or club_url or logo:
        opts["club"] = {"name": club_name, "logo": str(logo) if logo else None, "url": club_url}
    url = _text(fields, "url")
    if url is not None:
        opts["url"] = url
    lang = _text(fields, "lang")
    if lang is not None and lang not in choices.languages:
        allowed = ", ".join(choices.languages)
        problems.append(Problem(None, None, "--lang", f"'{lang[:80]}' is not a language here (allowed: {allowed})"))
    elif lang is not None and len(choices.languages) > 1:  # one language: nothing to choose, nothing to pass
        opts["lang"] = lang
    return opts, problems


def form_field(problem: Problem) -> str:
    """The form field a problem is about ('' for the form as a whole): the CLI's `--url` is the
    club's link when the message says so, the routine's own otherwise."""
    if problem.field == "--url":
        club = problem.message.startswith("url ") or "club" in problem.message
        return "club_url" if club else "url"
    return OPTION_FIELDS.get(problem.field, "")
