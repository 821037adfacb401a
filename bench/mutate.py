"""Mutation testing of chosen modules with mutmut 3, one module at a time, and a score table.

    pip install -e ".[test,mutation]"
    python bench/mutate.py resolve model schema write      # mutate these modules, print the table
    python bench/mutate.py write --show                    # also print the diff of every survivor
    python bench/mutate.py --table resolve model           # only print the table of the last run
    python bench/mutate.py --sample 150 layout             # 150 mutants drawn at random (--seed, default 16): an estimate
    python bench/mutate.py model --mutants '*x__safety__*'  # only the mutants of one function (mutmut's glob)
    python bench/mutate.py --retry resolve                 # only the survivors of the last run, against today's tests
    python bench/mutate.py --list                          # the modules and the tests each one runs

Each module is mutated in its own scratch copy of the project (`.mutation/MODULE/`, ignored by
git), whose pyproject.toml is this project's `[tool.mutmut]` plus two settings for the module:
`only_mutate` (just that file) and `pytest_add_cli_args_test_selection` (the test files in
TESTS below). mutmut first runs those tests once to learn which test calls which function,
then runs each mutant against only the tests that reach the mutated function, stopping at
the first failure (-x), so one mutant takes about a second or a few, not the suite's 25 s.

Runs are polite on a shared machine: one worker (`--jobs`, default 1; 2 at most here) under `nice -n 19`.
A module is named by its path under pdfgen/ without `.py` (`safety`, `kinds/cards`).
A second run of the same module reuses mutmut's results for unchanged functions; `--fresh`
starts again.

Scores count killed + timeout over every mutant except those listed as equivalent in
bench/MUTATION.md (a line starting with `- \\`pdfgen.MODULE.x_func__mutmut_N\\``): mutmut's
mutant names are stable while a function's code does not change.

Not part of CI: the safety modules take minutes each.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".mutation"
NOTE = Path(__file__).resolve().parent / "MUTATION.md"

# The tests that guard each module: enough to kill what can be killed, few enough to be quick.
TESTS: dict[str, list[str]] = {
    "resolve": [
        "tests/test_limits.py",
        "tests/test_safety_rules.py",
        "tests/test_routine_rules.py",
        "tests/test_cli.py",
        "tests/test_pdf_output.py",
        "tests/test_write.py::test_the_current_folder_as_output_is_refused_as_a_folder",  # a club's missing logo
    ],
    "model": [
        "tests/test_safety_rules.py",
        "tests/test_data_fields.py",
        "tests/test_schema.py",
        "tests/test_content.py",
        "tests/test_cli.py",
    ],
    "schema": [
        "tests/test_schema.py",
        "tests/test_safety_rules.py",
        "tests/test_data_fields.py",
        "tests/test_routine_rules.py",
        "tests/test_limits.py",
        "tests/test_cli.py",
        "tests/test_layouts.py",
        "tests/test_figures.py::test_image_and_pose_together_are_refused",  # Reader.has
        "tests/test_figures.py::test_image_illustration_is_drawn_in_its_box",
    ],
    "safety": ["tests/test_safety_rules.py", "tests/test_limits.py", "tests/test_data_fields.py", "tests/test_safety_text.py"],
    "write": ["tests/test_write.py", "tests/test_cli.py"],
    "batch": [
        "tests/test_batch_rules.py",
        "tests/test_batch.py",
        # a real SIGINT to a subprocess: it cannot see a mutant, and it races under mutmut's tracing
        "--deselect=tests/test_batch.py::test_ctrl_c_on_the_command_leaves_no_partial_file",
    ],
    "build": ["tests/test_cli.py", "tests/test_write.py", "tests/test_routine_rules.py", "tests/test_batch_rules.py"],
    "load": ["tests/test_cli.py", "tests/test_layouts.py", "tests/test_content.py", "tests/test_schema.py"],
    "compose": [
        "tests/test_compose.py",
        "tests/test_safety_rules.py",
        "tests/test_safety_text.py",
        "tests/test_kind_cards.py",
        "tests/test_hardening.py::test_routine_paper_and_any_case_paper",  # routine.paper in a layout's text
    ],
    "kinds/cards": ["tests/test_kind_cards.py", "tests/test_safety_rules.py", "tests/test_compose.py"],
    "kinds/page": ["tests/test_kind_page.py", "tests/test_compose.py", "tests/test_safety_rules.py"],
    "fit": ["tests/test_fit.py", "tests/test_kind_page.py"],
    "layout": ["tests/test_layouts.py", "tests/test_compose.py", "tests/test_kind_page.py"],
}
# Not mutated this round: being changed by other work at the same time (scores would be stale).
SKIPPED = ("render", "flowables", "html", "cli")

KILLED = {"killed", "timeout"}

# Appended to the scratch copy's tests/conftest.py: fastest tests first (by the durations mutmut
# measured), so that under -x a mutant is usually killed by a test that takes milliseconds.
ORDER_HOOK = """

def pytest_collection_modifyitems(items):  # added by bench/mutate.py
    import json

    try:
        with open("mutmut-stats.json") as fh:
            durations = json.load(fh)["duration_by_test"]
    except (OSError, ValueError, KeyError):
        return
    items.sort(key=lambda item: durations.get(item.nodeid, 0.0))
"""


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def prepare(module: str, fresh: bool) -> Path:
    """A scratch copy of the project whose mutmut config mutates one module with its tests."""
    work = WORK / module.replace("/", ".")
    if fresh and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    for folder in ("pdfgen", "data", "layouts", "tests"):
        shutil.rmtree(work / folder, ignore_errors=True)
        shutil.copytree(ROOT / folder, work / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    with (work / "tests" / "conftest.py").open("a") as fh:  # the scratch copy only
        fh.write(ORDER_HOOK)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    settings = dict(project["tool"]["mutmut"])
    settings["only_mutate"] = [f"pdfgen/{module}.py"]
    wanted = [t for t in TESTS[module] if t.startswith("-") or (ROOT / t.split("::")[0]).exists()]
    settings["pytest_add_cli_args_test_selection"] = wanted
    pytest_opts = project["tool"]["pytest"]["ini_options"]
    lines = ["[tool.pytest.ini_options]"]
    lines += [f"{k} = {toml_value(v)}" for k, v in pytest_opts.items()]
    lines += ["", "[tool.mutmut]"]
    lines += [f"{k} = {toml_value(v)}" for k, v in settings.items()]
    (work / "pyproject.toml").write_text("\n".join(lines) + "\n")
    return work


def dotted(module: str) -> str:
    """`kinds/cards` -> `kinds.cards`, as mutmut names its mutants (`pdfgen.kinds.cards.x_…`)."""
    return module.replace("/", ".")


def all_mutants(module: str, work: Path) -> list[str]:
    """Every mutant of the module, by name, generated (not run) in the scratch copy."""
    code = (
        "from pathlib import Path; import mutmut.__main__ as m; "
        f"p = Path('pdfgen/{module}.py'); o = Path('mutants') / p; o.parent.mkdir(parents=True, exist_ok=True); "
        "r = m.create_mutants_for_file(p, o); assert not r.error, r.error"
    )
    subprocess.run([sys.executable, "-c", code], cwd=work, check=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    meta = work / "mutants" / "pdfgen" / f"{module}.py.meta"
    return sorted(json.loads(meta.read_text())["exit_code_by_key"])


def draw(names: list[str], size: int, seed: int) -> list[str]:
    """A reproducible random sample: the same names, size and seed always draw the same mutants."""
    return sorted(random.Random(seed).sample(names, min(size, len(names))))


def run(module: str, jobs: int, fresh: bool, sample: int, only: list[str], retry: bool = False, seed: int = 16) -> int:
    """Mutants not yet tried are run; those that survived an earlier run are tried again (tests
    may have been added since), with the test-to-function map collected afresh."""
    work = prepare(module, fresh)
    equivalent = equivalents()
    left = [name for name, status in results(module).items() if status not in KILLED and name not in equivalent]
    first = [f"pdfgen.{dotted(module)}.{glob}" for glob in only]
    if sample:
        picked = draw(all_mutants(module, work), sample, seed)
        done = results(module)
        first = [n for n in picked if n not in done]  # a sample grows: those already tried keep their result
        (work / "sample.json").write_text(json.dumps({"size": sample, "seed": seed, "names": picked}))
    (work / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)  # new tests must be mapped too
    shutil.rmtree(work / "mutants" / "tests", ignore_errors=True)
    mutmut = Path(sys.executable).parent / "mutmut"
    command = ["nice", "-n", "19", str(mutmut), "run", "--max-children", str(jobs)]
    print(f"== {module}: {' '.join(t for t in TESTS[module] if not t.startswith('-'))}", flush=True)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    code = 0
    started = time.monotonic()
    with (work / "mutmut.log").open("w") as log:
        for names in (first, left):
            if (names is left and not left) or (retry and names is not left) or (names is first and sample and not first):
                continue
            done = subprocess.run([*command, *names], cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
            if done.returncode != 0:
                print(f"   mutmut exited {done.returncode}; see {work / 'mutmut.log'}", flush=True)
                code = code or done.returncode
    took = time.monotonic() - started
    print(f"   {module}: {took / 60:.1f} min", flush=True)
    runtimes = work / "runtime.json"
    previous = json.loads(runtimes.read_text()) if runtimes.exists() else {"minutes": 0.0}
    runtimes.write_text(json.dumps({"minutes": round(previous["minutes"] + took / 60, 1)}))
    return code


def equivalents() -> dict[str, str]:
    """Mutants listed as equivalent in MUTATION.md: name -> reason."""
    out = {}
    if NOTE.exists():
        section = NOTE.read_text().partition("\n## Equivalent mutants")[2]  # not the survivors listed above it
        for m in re.finditer(r"^- `(pdfgen\.[\w.ǁ]+__mutmut_\d+)`[:\s-]*(.*)$", section, re.M):
            out[m.group(1)] = m.group(2).strip()
    return out


def total(module: str) -> int:
    """How many mutants the module has, tried or not."""
    meta = WORK / dotted(module) / "mutants" / "pdfgen" / f"{module}.py.meta"
    return len(json.loads(meta.read_text())["exit_code_by_key"]) if meta.exists() else 0


def wilson(killed: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95 % interval of a score measured on a random sample of n mutants (Wilson's, fine near 100 %)."""
    p = killed / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def results(module: str) -> dict[str, str]:
    """mutant name -> status, from mutmut's record of the last run of this module."""
    from mutmut.stats import status_by_exit_code

    meta = WORK / dotted(module) / "mutants" / "pdfgen" / f"{module}.py.meta"
    if not meta.exists():
        return {}
    codes = json.loads(meta.read_text())["exit_code_by_key"]
    return {name: status_by_exit_code[code] for name, code in codes.items() if code is not None}  # None: not run


def table(modules: list[str], show: bool) -> bool:
    equiv = equivalents()
    rows = []
    survivors: list[tuple[str, str, str]] = []
    for module in modules:
        res = results(module)
        if not res:
            rows.append((module, "-", "-", "-", "-", "-", "-", "not run"))
            continue
        eq = [n for n in res if n in equiv]
        counted = {n: s for n, s in res.items() if n not in equiv}
        killed = sum(s in KILLED for s in counted.values())
        left = {n: s for n, s in counted.items() if s not in KILLED}
        order = sorted(left.items(), key=lambda kv: (kv[0].rsplit("_", 1)[0], int(kv[0].rsplit("_", 1)[1])))
        survivors += [(module, name, status) for name, status in order]
        score = f"{100 * killed / len(counted):.1f} %" if counted else "-"
        runtimes = WORK / dotted(module) / "runtime.json"
        minutes = f"{json.loads(runtimes.read_text())['minutes']:.0f} min" if runtimes.exists() else "-"
        note = ""
        if len(res) < total(module) and counted:
            lo, hi = wilson(killed, len(counted))
            note = f"sample of {total(module)}: 95 % CI {100 * lo:.0f}–{100 * hi:.0f} %"
        rows.append((module, f"{len(res)}", str(len(eq)), str(killed), str(len(left)), score, minutes, note))
    head = ("module", "mutants", "equivalent", "killed", "left", "score", "runtime", "")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for r in [head, *rows]:
        print("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip())
    stale = [(m, n) for m in modules for n, s in results(m).items() if n in equiv and s in KILLED]
    if stale:  # a function changed since its mutants were listed: the numbers now mean other changes
        print(f"\n{len(stale)} listed as equivalent in {NOTE.name} but killed (stale entries: check and remove):")
        for _module, name in stale:
            print(f"  {name}")
    if survivors:
        print(f"\n{len(survivors)} not killed (and not listed as equivalent in {NOTE.name}):")
    for module, name, status in survivors:
        print(f"  {name}  [{status}]")
        if show:
            print(diff_of(module, name))
    if show:
        listed = [(m, n) for m in modules for n, s in results(m).items() if n in equiv and s not in KILLED]
        if listed:
            print(f"\n{len(listed)} alive and listed as equivalent (check the reason still fits the change):")
        for module, name in listed:
            print(f"  {name}: {equiv[name]}")
            print(diff_of(module, name))
    return not survivors


def diff_of(module: str, name: str) -> str:
    """The mutant's change, as mutmut shows it (without the file header)."""
    diff = subprocess.run(
        [str(Path(sys.executable).parent / "mutmut"), "show", name],
        cwd=WORK / dotted(module),
        capture_output=True,
        text=True,
    ).stdout
    changed = [line for line in diff.strip().splitlines()[2:] if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    return "    " + "\n    ".join(changed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("modules", nargs="*", help=f"modules of pdfgen/ to mutate ({', '.join(TESTS)})")
    parser.add_argument("--jobs", type=int, default=1, help="mutmut workers (default 1; the machine is shared)")
    parser.add_argument("--fresh", action="store_true", help="forget earlier results for these modules")
    parser.add_argument("--sample", type=int, default=0, metavar="N", help="run N mutants drawn at random (reproducible)")
    parser.add_argument("--seed", type=int, default=16, help="the random draw of --sample (default 16)")
    parser.add_argument("--mutants", action="append", default=[], metavar="GLOB", help="only these (e.g. '*x__safety__*')")
    parser.add_argument("--retry", action="store_true", help="only try again the mutants that survived last time")
    parser.add_argument("--table", action="store_true", help="print the table of the last runs without running")
    parser.add_argument("--show", action="store_true", help="print each survivor's diff")
    parser.add_argument("--list", action="store_true", help="list the modules and their tests")
    args = parser.parse_args()
    if args.list:
        for module, tests in TESTS.items():
            print(f"{module:11} {' '.join(tests)}")
        print(f"not mutated: {', '.join(SKIPPED)} (changed by other work at the same time)")
        return 0
    unknown = [m for m in args.modules if m not in TESTS]
    if unknown or not args.modules:
        parser.error(f"give modules from: {', '.join(TESTS)}" + (f" (not {', '.join(unknown)})" if unknown else ""))
    if not args.table:
        for module in args.modules:
            run(module, args.jobs, args.fresh, args.sample, args.mutants, args.retry, args.seed)
    return 0 if table(args.modules, args.show) else 1


if __name__ == "__main__":
    sys.exit(main())
