"""`python -m tinytorch.conformance`: run the installed conformance suite from anywhere.

    python -m tinytorch.conformance --device strict:1 --report r.json
    python -m tinytorch.conformance --device cuda --profile thorough --junit r.xml --markdown r.md
    python -m tinytorch.conformance --device torch:0 -- -k exp     # after --: pytest's options

It runs pytest on this package's directory, so it needs no clone of the repository; pytest
prints the per-device, per-category summary at the end, and the exit status is pytest's (0 when
nothing failed, 1 when a property failed). A device that cannot be used here (a "cuda" without
a GPU) is reported as not run, with the reason, and does not fail the run.

Assumes: pytest and hypothesis are installed (tinytorch's "test" extra); without them this says
which are missing and how to install them.
Production does instead: array-api-tests is run as `pytest` inside a clone of its repository,
with the library under test named by an environment variable.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

INSTALL_TEST_EXTRA = 'pip install "tinytorch[test]"'


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tinytorch.conformance",
        description="Check that tinytorch keeps its promises (dtypes, values, gradients, device "
                    "placement) on a device, with the conformance suite installed with it.")
    parser.add_argument(
        "--device", action="append", default=[], metavar="DEVICE",
        help="a device to certify: cpu, strict:1, cuda, cuda:1, torch:0, ... (repeat it or "
             "separate with commas). Default: every device of every known device type.")
    parser.add_argument(
        "--profile", default="quick",
        help="quick (default: a few examples per property, about a minute) or thorough.")
    parser.add_argument("--report", metavar="FILE.json", help="write the JSON report here.")
    parser.add_argument("--junit", metavar="FILE.xml", help="write JUnit XML here (for CI).")
    parser.add_argument("--markdown", metavar="FILE.md",
                        help="write the summary as Markdown here (to paste into an issue).")
    parser.add_argument("pytest_args", nargs="*", metavar="-- PYTEST_ARGS",
                        help="anything after -- goes to pytest unchanged (-k exp, -x, -v).")
    return parser


def missing_requirements() -> list[str]:
    """The suite's requirements that cannot be imported here."""
    # Found, not imported: pytest must import hypothesis itself to rewrite its asserts.
    return [name for name in ("pytest", "hypothesis") if importlib.util.find_spec(name) is None]


def pytest_command(args: argparse.Namespace) -> list[str]:
    """The pytest arguments that run the installed suite as `args` asks."""
    suite = Path(__file__).resolve().parent
    # No cache folder: the suite may live in a read-only site-packages.
    command = [str(suite), "-p", "no:cacheprovider", "--profile", args.profile]
    for device in args.device:
        command += ["--device", device]
    if args.report:
        command += ["--conformance-json", args.report]
    if args.markdown:
        command += ["--conformance-markdown", args.markdown]
    if args.junit:
        command += ["--junitxml", args.junit]
    return command + list(args.pytest_args)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    missing = missing_requirements()
    if missing:
        print(f"error: the conformance suite needs {' and '.join(missing)}, which "
              f"{'is' if len(missing) == 1 else 'are'} not installed in {sys.executable}. "
              f"Install tinytorch's test extra: {INSTALL_TEST_EXTRA}", file=sys.stderr)
        return 2
    import pytest

    return int(pytest.main(pytest_command(args)))


if __name__ == "__main__":
    sys.exit(main())
