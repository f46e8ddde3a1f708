"""Command line: ``cehcourse validate`` checks every case; ``cehcourse text ID`` prints one."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .course import load_course
from .loader import CaseDataError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cehcourse")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the course repository")
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check every case file, the chapter catalogue and the bibliography")
    validate.add_argument(
        "--also", type=Path, action="append", default=[], metavar="DIR",
        help="also check draft case files in DIR against the library (repeatable)",
    )
    text = commands.add_parser("text", help="print a case as plain text (answers included with --answers)")
    text.add_argument("case_id")
    text.add_argument("--answers", action="store_true")
    args = parser.parse_args(argv)

    try:
        course = load_course(args.root, tuple(getattr(args, 'also', [])))
    except CaseDataError as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        print(f"{len(exc.errors)} problem(s) in the course data.", file=sys.stderr)
        return 1

    if args.command == "validate":
        questions = sum(len(case.questions()) for case in course.cases.values())
        print(f"OK: {len(course.cases)} cases, {questions} questions.")
        return 0
    from .render_text import render_case_text

    case = course.cases.get(args.case_id)
    if case is None:
        print(f"unknown case '{args.case_id}'", file=sys.stderr)
        return 1
    print(render_case_text(case, answers=args.answers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
