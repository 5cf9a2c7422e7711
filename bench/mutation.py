"""Mutation testing: run mutmut (optionally) and print the kill rate and every survivor.

    python bench/mutation.py                      # read the last run's results in mutants/
    python bench/mutation.py --run                # mutmut run, then the figures
    python bench/mutation.py --run 'pos_app.domain*'   # only some mutants (mutmut's globs)
    python bench/mutation.py --run --retry        # again, only the survivors and unchecked
    python bench/mutation.py --run --unchecked 'pos_app.services*'   # only those never judged
    python bench/mutation.py --only services      # figures for the files matching a word
    python bench/mutation.py --recheck tests/unit/test_x.py --recheck … 'pos_app.domain*'
                                                  # survivors against these tests; kills recorded
    python bench/mutation.py --kills kills.md     # re-verify "NAME | killed by TEST" lines

What is mutated and which tests run is configured in pyproject.toml ``[tool.mutmut]``;
``make mutation`` runs ``--run --max-children 2`` (the machine is shared). mutmut runs, for
each mutant, the tests that executed its function; for ``domain/`` functions that unit
tests execute, only those unit tests (the lowest layer that shows a rule, and seconds
instead of minutes per mutant; ``--all-tests`` turns this off). A mutant counts
as killed when a test failed (or timed out, or crashed) with it; every other finished one is
a survivor: no test failed, or no selected test ran that code at all ("no tests"). Each
survivor is either killed by a new test or explained in docs/testing.md's survivors table,
by name; those not explained are listed last. Exits 1 when the goal is missed: less than
90 % killed, or a survivor unexplained.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GOAL = 0.90
SLOW_TEST = 2.0  # seconds; see keep_fastest
DOC = ROOT / "docs" / "testing.md"

# mutmut 3's exit codes (mutmut/stats.py), grouped by what they mean for the kill rate.
KILLED_CODES = {1: "killed", 3: "killed", 36: "timeout", 24: "timeout", -24: "timeout",
                152: "timeout", 255: "timeout", -11: "crashed", -9: "crashed",
                37: "caught by type check"}  # fmt: skip
SURVIVED_CODES = {0: "survived", 5: "no tests", 33: "no tests", 35: "suspicious"}
OTHER_CODES = {None: "not checked", 34: "skipped", 2: "interrupted"}


@dataclass
class Figures:
    """Counts of one run's mutants, and the names of the survivors by file."""

    by_status: Counter[str] = field(default_factory=Counter)
    by_file: dict[str, Counter[str]] = field(default_factory=dict)
    survivors: list[tuple[str, str]] = field(default_factory=list)  # (mutant, status)

    @property
    def killed(self) -> int:
        return sum(self.by_status[s] for s in set(KILLED_CODES.values()))

    @property
    def survived(self) -> int:
        return sum(self.by_status[s] for s in set(SURVIVED_CODES.values()))

    @property
    def total(self) -> int:
        """Mutants with a verdict (killed or survived); not-checked ones are left out."""
        return self.killed + self.survived

    @property
    def rate(self) -> float:
        return self.killed / self.total if self.total else 0.0


def status_of(code: int | None) -> str:
    for table in (KILLED_CODES, SURVIVED_CODES, OTHER_CODES):
        if code in table:
            return table[code]
    return "suspicious"


def mutated_by_config(source: str) -> bool:
    """Whether pyproject's ``[tool.mutmut]`` still mutates ``source`` (a file dropped from
    it keeps its old verdicts in mutants/, which no longer count)."""
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    only = conf.get("only_mutate", [])
    if only and not any(fnmatch.fnmatch(source, p) for p in only):
        return False
    return not any(fnmatch.fnmatch(source, p) for p in conf.get("do_not_mutate", []))


def read_results(mutants: Path, only: str | None = None) -> Figures:
    """The verdicts mutmut stored next to each mutated file (``*.py.meta``)."""
    figures = Figures()
    for meta in sorted(mutants.rglob("*.py.meta")):
        source = meta.relative_to(mutants).as_posix().removesuffix(".meta")
        if (only and only not in source) or not mutated_by_config(source):
            continue
        codes: dict[str, int | None] = json.loads(meta.read_text())["exit_code_by_key"]
        per_file = figures.by_file.setdefault(source, Counter())
        for name, code in sorted(codes.items()):
            status = status_of(code)
            figures.by_status[status] += 1
            if code in KILLED_CODES:
                per_file["killed"] += 1
            elif code in SURVIVED_CODES:
                per_file["survived"] += 1
                figures.survivors.append((name, status))
            else:
                per_file["pending"] += 1
    return figures


def explained_names(doc: Path) -> set[str]:
    """Mutant names written in the survivors table of docs/testing.md (in backticks), except
    on rows marked "Open" (a gap written down is not a gap explained)."""
    if not doc.exists():
        return set()
    names: set[str] = set()
    for line in doc.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or cells[-1].lower().startswith("open"):
            continue
        names.update(re.findall(r"`(pos_app\.[\w.ǁ]+__mutmut_\d+)`", cells[0]))
    return names


def retry_names(mutants: Path, patterns: list[str], *, survivors: bool = True) -> list[str]:
    """The unchecked mutants, and the survivors unless ``survivors`` is false (matching
    ``patterns`` when given), by name."""
    names = []
    for meta in sorted(mutants.rglob("*.py.meta")):
        if not mutated_by_config(meta.relative_to(mutants).as_posix().removesuffix(".meta")):
            continue
        codes: dict[str, int | None] = json.loads(meta.read_text())["exit_code_by_key"]
        for name, code in codes.items():
            if code in KILLED_CODES or (code is not None and not survivors):
                continue
            if patterns and not any(fnmatch.fnmatchcase(name, p) for p in patterns):
                continue
            names.append(name)
    return names


def recheck(mutants: Path, tests: list[str], patterns: list[str]) -> Counter[str]:
    """Run each survivor (matching ``patterns``) against ``tests`` with mutmut's own switch
    (``MUTANT_UNDER_TEST``) in mutants/, and record a kill in its ``.meta`` as mutmut would:
    for tests written after a run, without collecting the whole test map again."""
    import shutil
    import subprocess

    for test in tests:  # mutmut copied the tests when the run started: bring the new ones
        target = mutants / test
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / test, target)
    outcome: Counter[str] = Counter()
    for meta in sorted(mutants.rglob("*.py.meta")):
        data = json.loads(meta.read_text())
        codes: dict[str, int | None] = data["exit_code_by_key"]
        changed = False
        for name, code in sorted(codes.items()):
            if code not in SURVIVED_CODES:
                continue
            if patterns and not any(fnmatch.fnmatchcase(name, p) for p in patterns):
                continue
            run = subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                 "-p", "no:xdist", "--timeout=120", *tests],
                cwd=mutants, env={**os.environ, "MUTANT_UNDER_TEST": name},
                capture_output=True, check=False,
            )  # fmt: skip
            verdict = "killed" if run.returncode == 1 else "survived"
            outcome[verdict] += 1
            print(f"  {verdict:<8} {name}", flush=True)
            if run.returncode == 1:
                codes[name], changed = 1, True
        if changed:
            meta.write_text(json.dumps(data))
    return outcome


def verify_kills(mutants: Path, listing: Path, *, record: bool = True) -> Counter[str]:
    """Re-verify kills claimed after a run, then record them as mutmut would.

    ``listing`` has one line per mutant, ``NAME | killed by tests/…::test_x`` (other lines are
    ignored). Each named test is run in ``mutants/`` with mutmut's switch
    (``MUTANT_UNDER_TEST``), in this one process (seconds instead of a pytest start per
    mutant); the same tests must pass with no mutant first. Only a failing test counts."""
    import pytest

    claims: dict[str, str] = {}
    for line in listing.read_text(encoding="utf-8").splitlines():
        name, _, rest = (part.strip() for part in line.partition("|"))
        if rest.startswith("killed by ") and "__mutmut_" in name:
            claims[name] = rest.removeprefix("killed by ").strip()
    os.chdir(mutants)
    sys.path.insert(0, str(mutants))
    args = ["-q", "-x", "-p", "no:cacheprovider", "-p", "no:xdist", "--timeout=120"]
    os.environ["MUTANT_UNDER_TEST"] = ""
    control = pytest.main([*args, *sorted(set(claims.values()))])
    if control != 0:
        raise SystemExit(f"the claimed tests fail with no mutant (exit {control}): fix them first")
    outcome: Counter[str] = Counter()
    killed: set[str] = set()
    for name, test in sorted(claims.items()):
        os.environ["MUTANT_UNDER_TEST"] = name
        code = pytest.main([*args, test])
        verdict = "killed" if code == 1 else "survived"
        outcome[verdict] += 1
        print(f"  {verdict:<8} {name}  ({test})", flush=True)
        if code == 1:
            killed.add(name)
    os.environ.pop("MUTANT_UNDER_TEST", None)
    # While a mutmut run is going on it rewrites its .meta files from memory: record after.
    for meta in sorted(mutants.rglob("*.py.meta")) if record else []:
        data = json.loads(meta.read_text())
        codes: dict[str, int | None] = data["exit_code_by_key"]
        hits = [n for n in codes if n in killed and codes[n] not in KILLED_CODES]
        for n in hits:
            codes[n] = 1
        if hits:
            meta.write_text(json.dumps(data))
    os.chdir(ROOT)
    return outcome


def drop_stale_copies(mutants: Path) -> int:
    """Delete files in mutants/ whose source is gone (a module moved or deleted): mutmut
    copies and updates, never deletes, so old modules and tests would still be imported."""
    stale = [
        f
        for top in ("pos_app", "tests")
        for f in (mutants / top).rglob("*")
        if f.is_file()
        and "__pycache__" not in f.parts
        and not (ROOT / f.relative_to(mutants)).with_name(f.name.removesuffix(".meta")).exists()
    ]
    for f in stale:
        f.unlink()
    return len(stale)


def generate_mutants(max_children: int) -> None:
    """Write mutants/ afresh for the functions changed since the last run (mutmut's own first
    step), so their earlier results are reset before the unchecked ones are listed."""
    import mutmut.__main__ as mm
    from mutmut.configuration import config

    os.chdir(ROOT)
    config()  # loads pyproject's [tool.mutmut] before mutmut reads it
    mm.set_mutant_under_test("mutant_generation")
    mm.copy_src_dir()
    mm.copy_also_copy_files()
    mm.setup_source_paths()
    mm.store_lines_covered_by_tests()
    mm.create_mutants(max_children)


def run_mutmut(
    max_children: int, names: list[str], *, lowest_layer: bool, max_tests: int | None
) -> int:
    """``mutmut run`` in this process (so its test map can be narrowed); its exit code."""
    import mutmut.__main__ as mm  # a dev dependency; imported only to run
    from mutmut.state import state

    shown = names if len(names) <= 5 else [*names[:5], f"… ({len(names)} names)"]
    print("$ mutmut run --max-children", max_children, *shown, flush=True)
    collect = mm.collect_or_load_stats

    def collect_then_narrow(*args: Any, **kwargs: Any) -> None:
        collect(*args, **kwargs)
        tests_by_function = state().tests_by_mangled_function_name
        if lowest_layer:
            narrow_to_unit_tests(tests_by_function)
        if max_tests:
            keep_fastest(tests_by_function, state().duration_by_test, max_tests)

    mm.collect_or_load_stats = collect_then_narrow
    os.chdir(ROOT)
    # The type check (pyproject's type_check_command) runs this interpreter's mypy.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    try:
        mm._run(tuple(names), max_children)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 1
    return 0


def keep_fastest(
    tests_by_function: dict[str, set[str]], durations: dict[str, float], limit: int
) -> None:
    """At most ``limit`` tests per function: the quick ones (under ``SLOW_TEST``) first, and
    among them those whose file is named after the mutated module ("refund" for
    services/refunds.py), then the fastest. A quicker pass that can only overstate
    survivors, never kills; recheck them with every test."""
    for function, tests in tests_by_function.items():
        # Unit tests judge a domain function in about a second in all: never cut those.
        if len(tests) <= limit or all(t.startswith("tests/unit/") for t in tests):
            continue
        topic = function.split(".x")[0].rsplit(".", 1)[-1].rstrip("s")  # "refund", "cash"
        topic = {"payment_sync": "sync", "day_close": "day_close"}.get(topic, topic)

        def order(test: str, topic: str = topic) -> tuple[bool, bool, float, str]:
            related = topic in test.split("::")[0].rsplit("/", 1)[-1]
            took = durations.get(test, 0.0)
            # A slow test (the fault-injection walk, the property runs) costs a minute for
            # every survivor: it comes after every quick one, related or not.
            return (took > SLOW_TEST, not related, took, test)

        tests_by_function[function] = set(sorted(tests, key=order)[:limit])


def narrow_to_unit_tests(tests_by_function: dict[str, set[str]]) -> None:
    """A domain function that unit tests execute is judged by those unit tests alone."""
    for function, tests in tests_by_function.items():
        if not function.startswith("pos_app.domain."):
            continue
        unit = {t for t in tests if t.startswith("tests/unit/")}
        if unit:
            tests_by_function[function] = unit


def report(figures: Figures, explained: set[str]) -> bool:
    """Print the figures; True when the goal is met."""
    print(f"{'file':<40} {'killed':>7} {'survived':>9} {'pending':>8}  rate")
    for source, c in sorted(figures.by_file.items()):
        done = c["killed"] + c["survived"]
        rate = f"{c['killed'] / done:6.1%}" if done else "     -"
        print(f"{source:<40} {c['killed']:>7} {c['survived']:>9} {c['pending']:>8}  {rate}")
    statuses = ", ".join(f"{n} {s}" for s, n in figures.by_status.most_common())
    print(f"\nstatuses: {statuses}")
    print(
        f"kill rate: {figures.killed}/{figures.total} = {figures.rate:.1%} "
        f"(goal {GOAL:.0%}; not checked: {figures.by_status['not checked']})"
    )
    unexplained = [(n, s) for n, s in figures.survivors if n not in explained]
    print(f"survivors: {len(figures.survivors)}, explained in docs/testing.md: "
          f"{len(figures.survivors) - len(unexplained)}")  # fmt: skip
    for name, status in unexplained:
        print(f"  unexplained  {name}  ({status})")
    return figures.total > 0 and figures.rate >= GOAL and not unexplained


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", action="store_true", help="run mutmut first")
    parser.add_argument("--max-children", type=int, default=2, help="mutmut workers (default 2)")
    parser.add_argument("--only", help="figures only for files whose path contains this")
    parser.add_argument(
        "--all-tests", action="store_true", help="judge domain mutants by every covering test"
    )
    parser.add_argument(
        "--retry",
        action="store_true",
        help="with --run: try again only the survivors and the mutants not checked yet (after "
        "new tests; the test map is collected afresh)",
    )
    parser.add_argument(
        "--unchecked",
        action="store_true",
        help="with --run: only the mutants never judged (new, or in functions changed since); "
        "the survivors' verdicts stand",
    )
    parser.add_argument(
        "--max-tests",
        type=int,
        help="with --run: at most this many (the fastest) tests per mutated function",
    )
    parser.add_argument(
        "--recheck",
        action="append",
        metavar="TEST",
        help="run the survivors (matching the names given) against this test file (repeat "
        "for several) and record the kills",
    )
    parser.add_argument(
        "--kills",
        type=Path,
        metavar="FILE",
        help="re-verify the kills listed in FILE ('NAME | killed by TEST'), one test per "
        "mutant in one process, and record them",
    )
    parser.add_argument(
        "--no-record",
        action="store_true",
        help="with --kills: only verify (for use while a mutmut run is going on)",
    )
    parser.add_argument("names", nargs="*", help="mutant names or globs for mutmut run")
    args = parser.parse_args(argv)
    mutants = ROOT / "mutants"
    if args.recheck and mutants.is_dir():
        outcome = recheck(mutants, args.recheck, list(args.names))
        print(f"recheck: {outcome['killed']} killed, {outcome['survived']} still survive\n")
    if args.kills and mutants.is_dir():
        outcome = verify_kills(mutants, args.kills, record=not args.no_record)
        print(f"kills verified: {outcome['killed']} killed, {outcome['survived']} not\n")
    if args.run:
        if mutants.is_dir() and (dropped := drop_stale_copies(mutants)):
            print(f"dropped {dropped} files from mutants/ whose source is gone")
        names = list(args.names)
        if args.unchecked:
            generate_mutants(args.max_children)
        if (args.retry or args.unchecked) and mutants.is_dir():
            names = retry_names(mutants, names, survivors=not args.unchecked)
            if not names:
                print(
                    "Nothing to do: every mutant was judged."
                    if args.unchecked
                    else "Nothing to retry: every mutant was killed."
                )
            # New tests are not in the cached test map: collect it again.
            (mutants / "mutmut-stats.json").unlink(missing_ok=True)
        code = (
            run_mutmut(
                args.max_children,
                names,
                lowest_layer=not args.all_tests,
                max_tests=args.max_tests,
            )
            if names or not (args.retry or args.unchecked)
            else 0
        )
        if code not in (0, 1):  # mutmut answers 1 when survivors remain
            print(f"mutmut stopped with exit code {code}", file=sys.stderr)
            return code
    if not mutants.is_dir():
        print("No mutants/ folder: run `make mutation` first.", file=sys.stderr)
        return 2
    figures = read_results(mutants, args.only)
    return 0 if report(figures, explained_names(DOC)) else 1


if __name__ == "__main__":
    sys.exit(main())
