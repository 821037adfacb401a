"""Any text a user types either prints or is refused with one clean error line."""

from __future__ import annotations

import io
import unicodedata

from conftest import text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from pdfgen import fonts

user_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=user_text, notes=user_text)
def test_any_name_and_notes_build_or_fail_cleanly(run, tmp_path, name, notes):
    out = tmp_path / "p.pdf"
    out.unlink(missing_ok=True)
    result = run("build", "--region", "front", "--name", name, "--notes", notes, "-o", out)
    if result.exit_code == 0:
        pdf = out.read_bytes()
        assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
        body = text(pdf)
        assert " ".join(name.split()) in body
    else:
        assert result.exit_code == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert lines and all(line.startswith("error: --") for line in lines), result.stderr
        assert "Traceback" not in result.stderr
        assert not out.exists()
        # a refusal must have a reason: a character the font lacks, a control or invisible format
        # character, or a line break
        assert fonts.missing_glyphs(name + notes) or any(
            ord(c) < 32 or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029" or unicodedata.category(c) == "Cf" for c in name + notes
        )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzäöüßéèçñøåæœłźżśćęąőűΑαβγδΩω <>&\"';:/\\"), min_size=1, max_size=80)
)
def test_printable_european_names_always_print(run, tmp_path, name):
    out = tmp_path / "p.pdf"
    result = run("build", "--region", "lateral", "--name", name, "-o", out)
    if not name.strip():
        return
    assert result.exit_code == 0, result.stderr
    assert " ".join(name.split()) in text(out.read_bytes())
