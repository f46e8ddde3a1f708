"""Command line: ``cehcourse validate`` checks every case (and how its questions are
written); ``cehcourse text ID`` prints one; ``cehcourse report FILES`` pools students'
exported progress into a class report."""

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
    report = commands.add_parser("report", help="pool students' exported progress files into a class report")
    report.add_argument("files", type=Path, nargs="+", metavar="FILE",
                        help="progress exports (.json), or folders of them")
    report.add_argument("--output", type=Path, required=True, metavar="DIR",
                        help="write report.html, questions.csv, options.csv and objectives.csv here")
    report.add_argument("--skip-bad", action="store_true",
                        help="warn about malformed files and report on the rest, instead of stopping")
    export = commands.add_parser("export", help="write cases for an LMS: QTI 1.2 (Canvas), Moodle XML or GIFT")
    export.add_argument("--format", required=True, choices=["qti", "moodle", "gift"], dest="export_format",
                        help="qti: QTI 1.2 .zip for Canvas; moodle: Moodle XML; gift: GIFT text")
    export.add_argument("--output", type=Path, required=True, metavar="PATH", help="the file to write")
    export.add_argument("--case", action="append", default=[], metavar="ID", help="export this case (repeatable)")
    export.add_argument("--objective", action="append", default=[], metavar="CHAPTER/OBJECTIVE",
                        help="export the library cases that practise this objective (repeatable)")
    export.add_argument("--chapter", action="append", default=[], metavar="NAME",
                        help="export the library cases of this chapter (repeatable); default: the whole library")
    args = parser.parse_args(argv)

    try:
        course = load_course(args.root, tuple(getattr(args, 'also', [])))
    except CaseDataError as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        print(f"{len(exc.errors)} problem(s) in the course data.", file=sys.stderr)
        return 1

    if args.command == "validate":
        from .itemcheck import check_course

        findings = check_course(course, tuple(args.also))
        for finding in findings:
            print(finding, file=sys.stderr)
        errors = sum(finding.severity == "error" for finding in findings)
        warnings = len(findings) - errors
        if errors:
            print(f"{errors} item-writing error(s), {warnings} warning(s).", file=sys.stderr)
            return 1
        questions = sum(len(case.questions()) for case in course.cases.values())
        note = f" {warnings} item-writing warning(s)." if warnings else ""
        print(f"OK: {len(course.cases)} cases, {questions} questions.{note}")
        return 0
    if args.command == "report":
        from .report import run_report

        return run_report(course, args.files, args.output, skip_bad=args.skip_bad)
    if args.command == "export":
        from .export import Selection, run

        selection = Selection(tuple(args.case), tuple(args.objective), tuple(args.chapter))
        return run(course, args.export_format, args.output, selection)
    from .render_text import render_case_text

    case = course.cases.get(args.case_id)
    if case is None:
        print(f"unknown case '{args.case_id}'", file=sys.stderr)
        return 1
    print(render_case_text(case, answers=args.answers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
