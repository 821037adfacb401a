"""Languages: Spanish and Chinese routines read back from the PDF, the translation checks, and
names in any script we ship a font for."""

from __future__ import annotations

import io
import re
import shutil

import pdfplumber
import pytest
from conftest import MM, ROOT, edit, text
from pypdf import PdfReader

from pdfgen import build as pipeline
from pdfgen import fonts

LANGS = ("es", "zh")
# English words our strings use that Spanish never does (whole words, case as printed)
ENGLISH = {
    *[
        "your",
        "you",
        "knee",
        "after",
        "before",
        "every",
        "run",
        "minutes",
        "each",
        "side",
        "sets",
        "reps",
        "Hold",
        "times",
        "days",
        "week",
    ],
    *[
        "Ice",
        "ice",
        "Notes",
        "continued",
        "Exercises",
        "Stretch",
        "the",
        "with",
        "when",
        "pain",
        "Pain",
        "Scan",
        "Sources",
        "Day",
    ],
    *["and", "for", "not", "if", "doctor", "physio", "made", "routine", "day", "rest", "exercise", "back", "Back", "of"],
}
LATIN_IN_ZH = {"A", "E", "NHS", "GP", "ER", "kneecard"}  # services' own names and the tool's: allowed on a Chinese page


def squash(s: str) -> str:
    """Text without any white space: Chinese extraction may put spaces between runs."""
    return re.sub(r"\s+", "", s)


def lib(lang: str):
    return pipeline.library(None, None, lang)


def pages_text(pdf: bytes) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def english_left(page: str, lang: str, allowed: set[str] = frozenset()) -> list[str]:
    """English on a page of another language: listed English words (es), any Latin word (zh)."""
    if lang == "zh":
        return [w for w in re.findall(r"[A-Za-z]+", page) if w not in LATIN_IN_ZH | allowed]
    return [w for w in re.findall(r"[A-Za-z']+", page) if w in ENGLISH and w not in allowed]


def test_list_languages(run):
    result = run("list", "languages")
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.output.splitlines()] == ["en", "es", "zh"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("region", ["lateral", "front", "above"])
def test_one_page_every_item_in_the_language(build, lang, region):
    pdf = build("--lang", lang, "--region", region, "--paper", "letter")
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    page = squash(text(pdf))
    library = lib(lang)
    for item in [*library.methods.values(), *library.region_exercises(region)]:
        assert squash(item.name) in page, item.name
        assert squash(item.steps[0]) in page, item.steps[0]
    assert squash(library.safety.disclaimer) in page
    assert english_left(text(pdf), lang) == []


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("layout", ["cards", "large-print"])
def test_other_layouts_have_no_english_left(build, lang, layout):
    args = ["--layout", layout, "--lang", lang, "--region", "front"] + (["--backs"] if layout == "cards" else [])
    pdf = build(*args)
    for n, page in enumerate(pages_text(pdf)):
        assert english_left(page, lang) == [], f"page {n + 1}"


@pytest.mark.parametrize("lang", LANGS)
def test_handout_no_english_but_the_sources(build, lang):
    """Sources keep their published titles; everything before the sources list is translated."""
    pdf = build("--layout", "handout", "--lang", lang, "--club", "Club")
    heading = pipeline.layout("handout", None, None, lang, ROOT / "data").render_text("sources_heading", {})
    whole = " ".join(pages_text(pdf))
    assert heading in whole
    assert english_left(whole.split(heading)[0], lang, {"Club"}) == []


@pytest.mark.parametrize("lang", LANGS)
def test_ice_note_in_the_language_beside_the_ice_method(build, lang):
    library = lib(lang)
    ice = library.methods["ice"]
    for args in (["--region", "lateral"], ["--layout", "cards", "--region", "front"]):
        pdf = build("--lang", lang, "--ice-minutes", "8", *args)
        pages = [squash(p) for p in pages_text(pdf)]
        with_ice = [p for p in pages if squash(ice.steps[0]) in p]
        assert with_ice, args
        for page in with_ice:
            assert squash(library.safety.ice.note_lines(8)[0]) in page  # the minutes asked for, in the language
            assert "8" in library.safety.ice.note_lines(8)[0]
            if "lateral" in args:  # the 10-minute cap for the outside of the knee, and its reason, translated
                assert squash(library.safety.ice.region_max["lateral"][1]) in page


@pytest.mark.parametrize(("lang", "tag"), [("es", "es"), ("zh", "zh-Hans"), ("en", "en-GB")])
def test_pdf_lang_and_metadata(build, lang, tag):
    reader = PdfReader(io.BytesIO(build("--lang", lang, "--region", "above")))
    assert reader.trailer["/Root"]["/Lang"] == tag
    info = reader.metadata
    if lang != "en":
        region = lib(lang).regions["above"].name
        assert region in info.title and region.lower() in info.subject
        assert "Knee" not in info.title + info.subject and "knee" not in info.keywords


def test_html_lang(run, tmp_path):
    out = tmp_path / "zh.html"
    assert run("build", "--lang", "zh", "--region", "front", "-o", out).exit_code == 0
    page = out.read_text()
    assert '<html lang="zh-Hans">' in page and lib("zh").regions["front"].name in page


def fonts_of(pdf: bytes) -> list[tuple[str, bool]]:
    """(base font, has an embedded TrueType program) of every font every page uses."""
    out = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            desc = font.get("/FontDescriptor")
            out.append((str(font["/BaseFont"]), bool(desc and "/FontFile2" in desc.get_object())))
    return out


def test_chinese_fonts_embedded_subset_and_extractable(build):
    pdf = build("--lang", "zh", "--region", "front", "--name", "张伟 Anna")
    used = fonts_of(pdf)
    assert all(embedded for _, embedded in used)
    assert all(re.fullmatch(r"/[A-Z]{6}\+\S+", name) for name, _ in used)  # subset tags
    assert any("WenQuanYi" in name for name, _ in used) and any("NotoSans" in name for name, _ in used)
    page = squash(text(pdf))
    assert "膝盖恢复计划" in page and "张伟Anna" in page  # ToUnicode maps the CJK subset back to text


def test_cjk_name_in_an_english_routine_and_latin_in_a_chinese_one(build):
    en = build("--region", "front", "--name", "李娜", "--club", "长跑俱乐部", name="en.pdf")
    assert "李娜" in text(en) and "长跑俱乐部" in text(en)
    zh = build("--lang", "zh", "--region", "front", "--name", "Zoë Ødegård", name="zh.pdf")
    assert "Zoë Ødegård" in text(zh)
    assert english_left(text(zh).replace("Zoë Ødegård", ""), "zh") == []


def test_english_builds_never_open_the_cjk_font(build):
    used = fonts_of(build("--region", "front"))
    assert not any("WenQuanYi" in name for name, _ in used)


@pytest.mark.parametrize("lang", LANGS)
def test_words_inside_the_printable_margin(build, lang):
    pdf = build("--lang", lang, "--region", "all", "--layout", "handout")
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            for c in page.chars:
                assert c["x0"] >= 6 * MM and c["x1"] <= page.width - 6 * MM, c["text"]
                assert c["top"] >= 6 * MM and c["bottom"] <= page.height - 6 * MM, c["text"]


def test_no_chinese_line_starts_with_closing_punctuation():
    """Every Chinese string as its own paragraph (one run: ReportLab's wordSplit; mixed runs:
    cjkFragSplit), at many widths: no line after the first starts with a closing mark."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    fonts.register()
    strings = [t for _, t in lib("zh").text]
    # ReportLab hangs one closing mark in the margin, never two: our Chinese never puts two together
    assert not [t for t in strings if re.search("[，。、：；？！）》」”°]{2}", t)]
    style = ParagraphStyle("zh", fontName=fonts.FACES["regular"][1], fontSize=9, leading=11, wordWrap=fonts.word_wrap("zh"))
    starts = []
    for width in range(40, 300, 9):
        for body in strings:
            para = Paragraph(fonts.runs(body), style, bulletText="•")
            para.wrap(width, 10_000)
            for line in para.blPara.lines[1:]:
                words = line[1] if isinstance(line, tuple) else [frag.text for frag in line.words]
                starts.append("".join(words)[:1])
    assert len(starts) > 1000 and not set(starts) & set("，。、：；？！）》」"), set(starts) & set("，。、：；？！）》」")


def test_arabic_is_still_refused_naming_the_code_points(run, tmp_path):
    out = tmp_path / "x.pdf"
    result = run("build", "--region", "front", "--name", "محمد", "-o", out)
    assert result.exit_code == 2 and not out.exists()
    assert "error: --name: has characters the font cannot print: " in result.stderr
    assert "(U+0645)" in result.stderr


def test_routine_file_lang(run, tmp_path):
    routine = tmp_path / "r.yaml"
    routine.write_text("region: above\nlang: es\n")
    out = tmp_path / "r.pdf"
    assert run("build", routine, "-o", out).exit_code == 0
    assert lib("es").regions["above"].name in text(out.read_bytes())
    routine.write_text("region: above\nlang: fr\n")
    result = run("build", routine, "-o", tmp_path / "bad.pdf")
    assert result.exit_code == 2 and not (tmp_path / "bad.pdf").exists()
    assert result.stderr.strip() == f"error: {routine}:2: lang: 'fr' is not a language (allowed: en, es, zh)"


def test_bad_lang_option(run, tmp_path):
    result = run("build", "--region", "front", "--lang", "zn", "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2 and not (tmp_path / "x.pdf").exists()
    assert result.stderr.strip() == "error: --lang: 'zn' is not a language (allowed: en, es, zh)"


def test_red_flags_and_disclaimer_complete_in_every_language():
    en = lib("en").safety
    for lang in LANGS:
        s = lib(lang).safety
        assert [len(x) for x in (s.flags.emergency, s.flags.urgent, s.ice.note, s.ice.ask_first)] == [
            len(x) for x in (en.flags.emergency, en.flags.urgent, en.ice.note, en.ice.ask_first)
        ]
        assert s.disclaimer and s.disclaimer != en.disclaimer
        assert s.ice.max_minutes == en.ice.max_minutes and s.ice.region_max["lateral"][0] == en.ice.region_max["lateral"][0]


# ---------------------------------------------------------------- kneecard check on translations


@pytest.fixture
def locale_copy(data_copy_all):
    return data_copy_all


def test_check_reports_per_language(run, locale_copy):
    result = run("check", "--data", locale_copy)
    assert result.exit_code == 0, result.stderr
    assert "es: ok: 161 content strings" in result.output and "zh: ok: 161 content strings" in result.output


def test_check_catches_missing_stale_placeholder_number_and_wrong_file(run, locale_copy, tmp_path):
    es = locale_copy / "locales" / "es"
    body = (es / "methods.yaml").read_text()
    # missing: drop the massage name entry
    block = re.search(r"massage\.name:\n  en: \w+\n  text: .*\n", body).group()
    (es / "methods.yaml").write_text(body.replace(block, ""))
    # stale: the English changes under a translation
    edit(locale_copy, "methods.yaml", "Rest it on the sore spot.", "Rest it on the sore place.")
    # placeholder dropped, number changed
    safety = (es / "safety.yaml").read_text()
    (es / "safety.yaml").write_text(
        safety.replace("Pon hielo {minutes} minutos cada vez.", "Pon hielo minutos cada vez.").replace(
            "Mira la piel cada 5 minutos", "Mira la piel cada 6 minutos"
        )
    )
    # a string in the wrong file: a region's name in exercises.yaml
    regions = (es / "regions.yaml").read_text()
    entry = re.search(r"above\.name:\n  en: \w+\n  text: .*\n", regions).group()
    (es / "exercises.yaml").write_text((es / "exercises.yaml").read_text() + entry)

    result = run("check", "--data", locale_copy)
    assert result.exit_code == 2
    err = result.stderr
    assert f"{es / 'methods.yaml'}: massage.name: is missing: no es text for 'Massage around the knee'" in err
    assert re.search(r"methods\.yaml:\d+: ice\.steps\.2: is stale: its English changed since it was translated", err)
    assert re.search(r"safety\.yaml:\d+: ice\.note\.1: has the placeholders none, the English \{minutes\}", err)
    assert re.search(r"safety\.yaml:\d+: ice\.note\.3: has the numbers 6, the English 5", err)
    assert re.search(r"exercises\.yaml:\d+: above\.name: is not a string of exercises\.yaml \(it belongs in regions\.yaml\)", err)
    assert "zh: ok" not in result.output  # problems exit 2 with no summary
    for line in err.strip().splitlines():
        assert line.startswith("error: ")

    out = tmp_path / "x.pdf"
    built = run("build", "--lang", "es", "--region", "front", "--data", locale_copy, "-o", out)
    assert built.exit_code == 2 and not out.exists()
    assert "massage.name: is missing" in built.stderr
    assert run("build", "--lang", "zh", "--region", "front", "--data", locale_copy, "-o", out).exit_code == 2  # stale English


def test_check_catches_layout_wording_and_duplicate_keys(run, locale_copy):
    zh = locale_copy / "locales" / "zh"
    layouts = (zh / "layouts.yaml").read_text()
    (zh / "layouts.yaml").write_text(layouts.replace("{{ region.short }}的练习", "{{ club.name }}的练习", 1))
    body = (zh / "regions.yaml").read_text()
    first = re.search(r"lateral\.name:\n  en: \w+\n  text: .*\n", body).group()
    (zh / "regions.yaml").write_text(body + first)
    result = run("check", "--data", locale_copy)
    assert result.exit_code == 2
    assert re.search(r"layouts\.yaml:\d+: exercises_heading: uses the names \['club'\], the English \['region'\]", result.stderr)
    assert re.search(r"regions\.yaml:\d+: yaml: field 'lateral\.name' appears twice", result.stderr)


def test_a_layout_text_with_no_translation_stops_the_build(run, locale_copy, tmp_path):
    layouts_dir = tmp_path / "layouts"
    layouts_dir.mkdir()
    (layouts_dir / "mine.yaml").write_text("extends: one-page\ntext:\n  title: My own title\n")
    out = tmp_path / "x.pdf"
    result = run("build", "--layout", "mine", "--layouts", layouts_dir, "--lang", "es", "--region", "front", "-o", out)
    assert result.exit_code == 2 and not out.exists()
    assert re.search(r"mine\.yaml:3: text\.title: has no translation in .*layouts\.yaml", result.stderr)
    # a layout that extends a built-in and keeps its words finds their translations
    (layouts_dir / "mine.yaml").write_text("extends: one-page\naccent: '#333333'\n")
    again = run("build", "--layout", "mine", "--layouts", layouts_dir, "--lang", "es", "--region", "front", "-o", out)
    assert again.exit_code == 0, again.stderr
    assert "Rutina de recuperación de rodilla" in text(out.read_bytes())


def test_missing_locale_folder_means_no_such_language(run, locale_copy, tmp_path):
    shutil.rmtree(locale_copy / "locales" / "zh")
    result = run("build", "--lang", "zh", "--data", locale_copy, "--region", "front", "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2
    assert "error: --lang: 'zh' is not a language (allowed: en, es)" in result.stderr


@pytest.fixture
def no_cjk_font(monkeypatch):
    """As if the cjk extra were not installed (the fonts registered so far forgotten, and again after)."""
    monkeypatch.setattr(fonts, "fallback_path", lambda family: None)
    fonts._fallback.cache_clear()
    yield
    monkeypatch.undo()
    fonts._fallback.cache_clear()


def test_chinese_without_the_cjk_extra_is_one_clear_error(run, tmp_path, no_cjk_font):
    out = tmp_path / "x.pdf"
    result = run("build", "--lang", "zh", "--region", "front", "-o", out)
    assert result.exit_code == 2 and not out.exists()
    assert result.stderr.strip() == 'error: --lang: \'zh\' needs a font that is not installed (pip install "kneecard[cjk]")'
    result = run("build", "--name", "张伟", "--region", "front", "-o", out)
    assert result.exit_code == 2 and 'pip install "kneecard[cjk]"' in result.stderr


def test_batch_spec_and_roster_lang_a_bad_row_fails_alone(run, tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "defaults: {lang: es, region: front}\n"
        "items:\n  - {name: Ana}\n  - {name: 李娜, lang: zh}\n  - {name: Bob, lang: fr}\n"
    )
    out = tmp_path / "out"
    result = run("batch", spec, "-o", out, "--jobs", "1")
    assert result.exit_code == 2
    assert f"error: {spec}:5: items[2].lang: 'fr' is not a language (allowed: en, es, zh)" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["ana-front.pdf", "lina-front.pdf"]
    assert lib("es").regions["front"].name in text((out / "ana-front.pdf").read_bytes())
    assert squash(lib("zh").regions["front"].name) in squash(text((out / "lina-front.pdf").read_bytes()))
    roster = tmp_path / "r.csv"
    roster.write_text("name,region,lang\nEva,above,es\nMax,above,xx\nLi,above,\n")
    out2 = tmp_path / "out2"
    result = run("batch", roster, "-o", out2, "--jobs", "1")
    assert result.exit_code == 2 and f"error: {roster}:3: lang: 'xx' is not a language" in result.stderr
    assert sorted(p.name for p in out2.iterdir()) == ["eva-above.pdf", "li-above.pdf"]
    assert "Knee recovery routine" in text((out2 / "li-above.pdf").read_bytes())  # an empty cell: the default, English


def test_japanese_and_korean_names_print(build):
    pdf = build("--region", "front", "--name", "さくら 김민수")
    assert "さくら 김민수" in text(pdf)


def test_line_measures_count_a_chinese_character_as_two():
    assert fonts.char_count("Wall sit") == 8
    assert fonts.char_count("靠墙静蹲") == 8 and fonts.char_count("保持30秒") == 8
    assert fonts.char_count("Zoë") == 3


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("layout", ["cards", "one-page"])
def test_html_has_no_english_left(run, tmp_path, lang, layout):
    """The HTML page's words too: the hidden headings naming each card back, what a screen
    reader says for a tracker box."""
    out = tmp_path / "page.html"
    args = ["--lang", lang, "--layout", layout, "--region", "front", "-o", out]
    assert run("build", *args, *(["--backs"] if layout == "cards" else ["--tracker"])).exit_code == 0
    page = out.read_text()
    body = re.sub(r"<(style|svg)\b.*?</\1>", " ", page, flags=re.S)
    words = " ".join(re.sub(r"&\w+;", " ", re.sub(r"<[^>]+>", " ", body)).split())
    assert english_left(words, lang) == []
    if layout == "cards":
        assert ("Dorso de" if lang == "es" else "的背面") in words
    else:
        assert ("día de descanso" if lang == "es" else "休息日") in words


def test_a_translation_with_characters_no_font_has_is_refused(run, locale_copy, tmp_path):
    es = locale_copy / "locales" / "es" / "layouts.yaml"
    es.write_text(es.read_text().replace("text: Notas\n", "text: Notas \u2603\n", 1))
    out = tmp_path / "x.pdf"
    result = run("build", "--lang", "es", "--region", "front", "--data", locale_copy, "-o", out)
    assert result.exit_code == 2 and not out.exists()
    assert re.search(r"layouts\.yaml:\d+: notes_heading: has characters the font cannot print: '\u2603'", result.stderr)


def test_check_without_the_cjk_font_checks_the_strings_and_says_so(run, no_cjk_font):
    result = run("check")
    assert result.exit_code == 0, result.stderr
    assert result.output.splitlines()[-1] == (
        "zh: ok: 161 content strings, 4 layouts' wording, "
        'no test builds (its font is not installed: pip install "kneecard[cjk]")'
    )
