"""Translations as data: `data/locales/LANG/KIND.yaml`, one file per language per kind.

Each entry is keyed by where its English lives (`cool-down.steps.2`, `ice.note.1`, and for
layout wording `one-page.title`) and holds the translated text and a fingerprint of the English
it was made from. So `kneecard check` can say, per language, what is missing, what is stale
(the English changed since) and what dropped a placeholder or changed a number; and a build in
a language swaps each English string for its translation before the content is validated, so
every number still comes from `data/` and a missing string stops the build instead of
printing English on a Chinese page.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pdfgen import fonts
from pdfgen.errors import InputError, Problem, Problems
from pdfgen.schema import LocDict, LocList, did_you_mean

if TYPE_CHECKING:
    from pdfgen.layout import Layout

DEFAULT = "en"
# code -> (name in its own language, the PDF /Lang and HTML lang tag, or None: the layout's own)
LANGUAGES = {"en": ("English", None), "es": ("Español", "es"), "zh": ("简体中文", "zh-Hans")}
KINDS = ("methods", "exercises", "regions", "safety")  # sources stay as published: titles are not translated
LAYOUT_KIND = "layouts"
SKIP = {  # fields that are ids, references, numbers' units or notes for editors: never printed as words
    "id",
    "region",
    "sources",
    "source_note",
    "url",
    "icon",
    "illustration",
    "method",
    "exercises",
}
PLACEHOLDER_RE = re.compile(r"\{[a-z_]+\}")
NUMBER_RE = re.compile(r"\d+")
FINGERPRINT_RE = re.compile(r"[0-9a-f]{8}")


def fingerprint(english: str) -> str:
    """Eight hex digits of the English a translation was made from: stale when they differ."""
    return hashlib.sha256(" ".join(english.split()).encode()).hexdigest()[:8]


def locales_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "locales"


def available(data_dir: Path) -> list[str]:
    """The languages a data folder has: English, and every folder under locales/ we know."""
    folder = locales_dir(data_dir)
    have = {p.name for p in folder.iterdir() if p.is_dir()} if folder.is_dir() else set()
    return [code for code in LANGUAGES if code == DEFAULT or code in have]


def check_code(value: Any, field: str, data_dir: Path, file: str | None = None, line: int | None = None) -> str:
    """A language code from an option, a routine or a roster row, or a located problem."""
    allowed = available(data_dir)
    if not isinstance(value, str) or value not in allowed:
        hint = did_you_mean(str(value), allowed) if isinstance(value, str) else ""
        raise InputError(Problem(file, line, field, f"'{value}' is not a language{hint} (allowed: {', '.join(allowed)})"))
    return value


def doc_lang(lang: str, layout_lang: str) -> str:
    """The PDF /Lang and HTML lang of a routine in `lang`: English keeps its layout's (en-GB)."""
    return LANGUAGES[lang][1] or layout_lang


# ---------------------------------------------------------------- the English strings


def strings(doc: Any, kind: str) -> Iterator[tuple[str, str, int | None]]:
    """(key, English, line) of every printed string of one content file, in file order."""
    top = doc.get(kind) if isinstance(doc, dict) and kind != "safety" else doc
    yield from _walk(top, "", getattr(top, "line", None))


def _walk(node: Any, prefix: str, line: int | None) -> Iterator[tuple[str, str, int | None]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in SKIP:
                continue
            at = node.key_lines.get(key, line) if isinstance(node, LocDict) else line
            yield from _walk(value, f"{prefix}{key}.", at)
    elif isinstance(node, list):
        keyed = all(isinstance(x, dict) and isinstance(x.get("id"), str) for x in node) and node
        for i, value in enumerate(node):
            at = node.item_lines[i] if isinstance(node, LocList) and i < len(node.item_lines) else line
            yield from _walk(value, f"{prefix}{value['id'] if keyed else i + 1}.", at)
    elif isinstance(node, str) and node.strip():
        yield prefix[:-1], node, line


def _translated(node: Any, prefix: str, table: dict[str, Entry]) -> Any:
    """A copy of `node` with every printed string replaced by its translation (lines kept)."""
    if isinstance(node, dict):
        out = LocDict() if isinstance(node, LocDict) else {}
        if isinstance(node, LocDict):
            out.line, out.file, out.key_lines, out.key_files = node.line, node.file, node.key_lines, node.key_files
        for key, value in node.items():
            out[key] = value if key in SKIP else _translated(value, f"{prefix}{key}.", table)
        return out
    if isinstance(node, list):
        keyed = all(isinstance(x, dict) and isinstance(x.get("id"), str) for x in node) and node
        items = [_translated(v, f"{prefix}{v['id'] if keyed else i + 1}.", table) for i, v in enumerate(node)]
        if isinstance(node, LocList):
            new = LocList(items)
            new.line, new.file, new.item_lines = node.line, node.file, node.item_lines
            return new
        return items
    if isinstance(node, str) and node.strip():
        entry = table.get(prefix[:-1])
        return entry.text if entry is not None else node
    return node


def translate_doc(doc: Any, kind: str, table: dict[str, Entry]) -> Any:
    """One content file's parsed YAML, in another language (keys as `strings` makes them)."""
    if kind == "safety" or not isinstance(doc, dict) or kind not in doc:
        return _translated(doc, "", table)
    copy = _translated({}, "", table) if not isinstance(doc, LocDict) else LocDict(doc)
    if isinstance(doc, LocDict):
        copy.line, copy.file, copy.key_lines, copy.key_files = doc.line, doc.file, doc.key_lines, doc.key_files
    copy[kind] = _translated(doc[kind], "", table)
    return copy


# ---------------------------------------------------------------- the translation files


@dataclass(frozen=True)
class Entry:
    text: str
    en: str  # fingerprint of the English it was made from
    file: str
    line: int | None


def read_table(path: Path, problems: Problems) -> dict[str, Entry]:
    """One translation file: key -> Entry. Missing file: empty (check reports every string missing)."""
    from pdfgen.load import read_yaml

    if not path.is_file():
        return {}
    try:
        doc = read_yaml(path, "translation file")
    except InputError as err:
        problems.extend(err)
        return {}
    if doc is None:
        return {}
    if not isinstance(doc, LocDict):
        problems.add(str(path), getattr(doc, "line", 1), "", "is not a list of key: {en: FINGERPRINT, text: TEXT} entries")
        return {}
    out: dict[str, Entry] = {}
    for key, value in doc.items():
        line = doc.key_lines.get(key)
        if not isinstance(value, dict) or set(value) != {"en", "text"}:
            problems.add(str(path), line, key, "is not {en: FINGERPRINT, text: TEXT} (both fields, nothing else)")
            continue
        en, text = value["en"], value["text"]
        if not isinstance(en, str) or not FINGERPRINT_RE.fullmatch(en):
            problems.add(str(path), line, f"{key}.en", f"'{en}' is not a fingerprint (8 hex digits, as kneecard check prints)")
            continue
        if not isinstance(text, str) or not text.strip():
            problems.add(str(path), line, f"{key}.text", "is empty (the translated text is allowed)")
            continue
        out[key] = Entry(" ".join(text.split()) if "\n" not in text.strip() else text.strip(), en, str(path), line)
    return out


def _compare(key: str, english: str, entry: Entry, problems: Problems, jinja: bool = False) -> None:
    """Stale, placeholders and numbers: a translation keeps every {placeholder} and every number."""
    if entry.en != fingerprint(english):
        problems.add(
            entry.file,
            entry.line,
            key,
            f"is stale: its English changed since it was translated (now: '{_short(english)}'; "
            f"update the text, then set en: {fingerprint(english)})",
        )
    if jinja:
        want, got = _jinja_names(english), _jinja_names(entry.text)
        if got is None:
            problems.add(entry.file, entry.line, key, "is not a valid template (keep the {{ }} and {% %} of the English)")
        elif want is not None and want != got:
            problems.add(
                entry.file, entry.line, key, f"uses the names {sorted(got)}, the English {sorted(want)} (keep every one)"
            )
        return
    for what, pattern in (("placeholders", PLACEHOLDER_RE), ("numbers", NUMBER_RE)):
        want_list, got_list = sorted(pattern.findall(english)), sorted(pattern.findall(entry.text))
        if want_list != got_list:
            problems.add(
                entry.file,
                entry.line,
                key,
                f"has the {what} {' '.join(got_list) or 'none'}, the English {' '.join(want_list) or 'none'} "
                f"(a translation keeps every one: numbers come from data/)",
            )


def _jinja_names(source: str) -> set[str] | None:
    import jinja2
    from jinja2 import meta

    try:
        return set(meta.find_undeclared_variables(jinja2.Environment().parse(source)))
    except jinja2.TemplateSyntaxError:
        return None


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def content_tables(
    docs: dict[str, tuple[str, Any]], data_dir: Path, lang: str, problems: Problems
) -> dict[str, dict[str, Entry]]:
    """Every content translation of `lang`, checked against the English; problems collected."""
    folder = locales_dir(data_dir) / lang
    tables: dict[str, dict[str, Entry]] = {}
    for kind in KINDS:
        path = folder / f"{kind}.yaml"
        table = read_table(path, problems)
        english = {key: (text, line) for key, text, line in strings(docs[kind][1], kind)}
        for key, (text, line) in english.items():
            entry = table.get(key)
            if entry is None:
                problems.add(str(path), None, key, f"is missing: no {lang} text for '{_short(text)}' ({docs[kind][0]}:{line})")
            else:
                _compare(key, text, entry, problems)
        for key, entry in table.items():
            if key not in english:
                other = next((k for k in KINDS if k != kind and key in _keys(docs, k)), None)
                where = f" (it belongs in {other}.yaml)" if other else did_you_mean(key, english)
                problems.add(entry.file, entry.line, key, f"is not a string of {kind}.yaml{where}")
        tables[kind] = table
    return tables


def _keys(docs: dict[str, tuple[str, Any]], kind: str) -> set[str]:
    return {key for key, _, _ in strings(docs[kind][1], kind)}


def translate_docs(docs: dict[str, tuple[str, Any]], data_dir: Path, lang: str) -> dict[str, tuple[str, Any]]:
    """The parsed content files in `lang`; any missing, stale or broken string is an InputError."""
    if lang == DEFAULT:
        return docs
    problems = Problems()
    tables = content_tables(docs, data_dir, lang, problems)
    problems.raise_if_any()
    return {kind: (file, translate_doc(doc, kind, tables[kind]) if kind in tables else doc) for kind, (file, doc) in docs.items()}


# ---------------------------------------------------------------- layout wording


def layout_texts(layout: Layout, meta: dict[str, str]) -> dict[str, str]:
    """Every text of a layout, its defaults for texts it leaves out included, and `meta`: the
    words its kind puts in the PDF's metadata (pdf_subject, pdf_keywords)."""
    from pdfgen.layout import OPTIONAL_TEXTS

    return {**OPTIONAL_TEXTS, **layout.text, **meta}


def layout_table(data_dir: Path, lang: str, problems: Problems) -> dict[str, Entry]:
    return read_table(locales_dir(data_dir) / lang / f"{LAYOUT_KIND}.yaml", problems)


def _find(table: dict[str, Entry], layout: str, key: str, english: str) -> tuple[Entry | None, Entry | None]:
    """A layout text's translation: `LAYOUT.KEY`, else the shared `KEY`, else any layout's
    `*.KEY` made from the same English (a layout that extends or copies a built-in finds its
    words). Returns (current entry, or None; an entry whose English changed, for the message)."""
    fp = fingerprint(english)
    named = [table.get(f"{layout}.{key}"), table.get(key)]
    for entry in named:
        if entry is not None and entry.en == fp:
            return entry, None
    for name, entry in table.items():
        if name.rpartition(".")[2] == key and entry.en == fp:
            return entry, None
    return None, next((e for e in named if e is not None), None)


def translate_layout(layout: Layout, meta: dict[str, str], data_dir: Path, lang: str) -> Layout:
    """A layout's wording in `lang`; a text with no current translation stops the build
    (never English on the page)."""
    if lang == DEFAULT:
        return layout
    problems = Problems()
    table = layout_table(data_dir, lang, problems)
    path = locales_dir(data_dir) / lang / f"{LAYOUT_KIND}.yaml"
    texts: dict[str, str] = {}
    lines: dict[str, tuple[str | None, int | None]] = {}
    for key, english in layout_texts(layout, meta).items():
        entry, stale = _find(table, layout.name, key, english)
        if entry is None:
            file, line = layout.text_lines.get(key, (str(layout.path), None))
            what = "is stale in" if stale else "has no translation in"
            problems.add(file, line, f"text.{key}", f"{what} {path} (add {key}: {{en: {fingerprint(english)}, text: ...}})")
            continue
        _compare(key, english, entry, problems, jinja=True)
        missing = fonts.missing_glyphs(entry.text)
        if missing:  # content strings are checked the same way in build.glyph_problems
            problems.add(entry.file, entry.line, key, fonts.refusal(missing))
        texts[key] = entry.text
        lines[key] = (entry.file, entry.line)
    problems.raise_if_any()
    return replace(
        layout,
        text=texts,
        text_lines=lines,
        lang=doc_lang(lang, layout.lang),
        fingerprint=f"{layout.fingerprint}-{lang}-{fingerprint(repr(sorted(texts.items())))}",
    )


def check_layouts(layouts: list[tuple[Layout, dict[str, str]]], data_dir: Path, lang: str, problems: Problems) -> None:
    """Every built-in layout's wording has a current translation (missing, stale, names kept),
    and every entry is used."""
    table = layout_table(data_dir, lang, problems)
    path = locales_dir(data_dir) / lang / f"{LAYOUT_KIND}.yaml"
    used: set[int] = set()
    for layout, meta in layouts:
        for key, english in layout_texts(layout, meta).items():
            entry, stale = _find(table, layout.name, key, english)
            if entry is not None:
                used.add(id(entry))
                _compare(key, english, entry, problems, jinja=True)
            elif stale is not None:
                used.add(id(stale))
                _compare(key, english, stale, problems, jinja=True)
            else:
                problems.add(str(path), None, f"{layout.name}.{key}", f"is missing: no {lang} text for '{_short(english)}'")
    for key, entry in table.items():
        if id(entry) not in used:
            problems.add(entry.file, entry.line, key, "is not a text of a built-in layout (or its English matches none)")
