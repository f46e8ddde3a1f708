"""What a downloaded notebook carries so it runs without the course repository: the
course package's modules that the live quiz imports (found by following its imports, so
Sphinx, the exporter and the report stay out), the case files, the chapter list and the
bibliography, packed as one xz-compressed tar; and the public packages, pinned to the
versions this build ran with, that the notebook needs from the reader's Jupyter."""

from __future__ import annotations

import ast
import functools
import hashlib
import io
import sys
import tarfile
from importlib import metadata
from pathlib import Path, PurePosixPath

from .course import CourseData, CoursePaths

PACKAGE_DIR = Path(__file__).parent
# The live quiz (show_case) and load_course are what a notebook uses.
ENTRY_MODULES = ("__init__", "widget", "course")
# Every Jupyter kernel has these; nothing to check or install.
KERNEL_MODULES = {"IPython", "ipykernel"}


def _module_file(dotted: str) -> Path | None:
    """cehcourse.kinds.choice -> src/cehcourse/kinds/choice.py (or the package's __init__)."""
    parts = dotted.split(".")[1:]
    base = PACKAGE_DIR.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _dotted(path: Path) -> str:
    relative = path.relative_to(PACKAGE_DIR.parent).with_suffix("")
    parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
    return ".".join(parts)


def _imports(path: Path) -> tuple[set[str], set[str]]:
    """(course modules, other top-level modules) that *path* imports."""
    package = _dotted(path) if path.name == "__init__.py" else _dotted(path).rpartition(".")[0]
    own: set[str] = set()
    other: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            other.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                other.add((node.module or "").partition(".")[0])
                continue
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            target = f"{base}.{node.module}" if node.module else base
            own.add(target)
            # "from . import choice" names modules; "from .x import name" names attributes.
            own.update(f"{target}.{alias.name}" for alias in node.names)
    return own, other


def package_files() -> tuple[list[Path], set[str]]:
    """The course modules a notebook needs, and the outside modules they import."""
    todo = [PACKAGE_DIR / f"{name}.py" for name in ENTRY_MODULES]
    seen: set[Path] = set()
    outside: set[str] = set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        own, other = _imports(path)
        outside |= other
        for dotted in own:
            found = _module_file(dotted)
            if found is not None:
                todo.append(found)
                # A module inside a package needs the package's __init__ too.
                if found.parent != PACKAGE_DIR:
                    todo.append(found.parent / "__init__.py")
    return sorted(seen), outside


def _top_level(dist: metadata.Distribution) -> set[str]:
    """The top-level modules *dist* installs: as importlib.metadata.packages_distributions()
    infers them (top_level.txt, else the .py files it records), but read from RECORD's text
    without checking that each of its files exists (that check, over every distribution,
    cost ~2 s a build)."""
    declared = (dist.read_text("top_level.txt") or "").split()
    if declared:
        return set(declared)
    record = dist.read_text("RECORD")
    paths = [line.rsplit(",", 2)[0].strip('"') for line in record.splitlines()] if record else \
        [str(path) for path in dist.files or []]
    return {PurePosixPath(path).parts[0] if "/" in path else PurePosixPath(path).stem
            for path in paths if path.endswith(".py")}


@functools.cache
def _pins(modules: frozenset[str]) -> dict[str, str]:
    wanted = modules - set(sys.stdlib_module_names) - KERNEL_MODULES - {"cehcourse", ""}
    found: dict[str, str] = {}
    # The first distribution that provides a module wins, as in packages_distributions().
    for dist in metadata.distributions():
        if found.keys() >= wanted:
            break
        for module in _top_level(dist) & (wanted - found.keys()):
            found[module] = f"{dist.metadata['Name']}=={dist.version}"
    missing = sorted(wanted - found.keys())
    if missing:
        raise LookupError(f"no installed distribution provides the module '{missing[0]}'")
    return {module: found[module] for module in sorted(wanted)}


def pins(modules: set[str]) -> dict[str, str]:
    """Import name -> "distribution==version" for every module that is neither in the
    standard library nor in every Jupyter kernel, at the version installed now."""
    return dict(_pins(frozenset(modules)))


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    info.mtime = 0  # the same input packs to the same bytes
    archive.addfile(info, io.BytesIO(data))


def _members(course: CourseData) -> list[tuple[str, Path]]:
    files, _ = package_files()
    layout = CoursePaths()
    members = [(f"python/{path.relative_to(PACKAGE_DIR.parent).as_posix()}", path) for path in files]
    members += [(f"course/{layout.cases}/{path.name}", path) for path in sorted(course.cases_dir.glob("*.yaml"))]
    members += [(f"course/{layout.chapters}", course.chapters_file), (f"course/{layout.bibliography}", course.bib_path)]
    return members


def pack(course: CourseData, cache: Path | None = None) -> bytes:
    """python/cehcourse/... and course/<the default layout>, xz-compressed. With *cache*
    (a folder), the last result is kept there under a digest of what it packs: xz at
    preset 9 takes ~0.3 s, on every build otherwise."""
    contents = [(name, path.read_bytes()) for name, path in _members(course)]
    digest = hashlib.sha256(repr([(name, hashlib.sha256(data).hexdigest()) for name, data in contents]).encode())
    kept = cache / f"course-{digest.hexdigest()[:16]}.tar.xz" if cache is not None else None
    if kept is not None and kept.is_file():
        return kept.read_bytes()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:xz", preset=9) as archive:
        for name, data in contents:
            _add(archive, name, data)
    if kept is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        for old in kept.parent.glob("course-*.tar.xz"):
            old.unlink()
        kept.write_bytes(buffer.getvalue())
    return buffer.getvalue()
