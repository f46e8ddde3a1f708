"""The class names a page's scripts add at run time, read from the scripts' text: what
tests/test_optimised_site.py checks the CSS purge against.

Found: classList.add / toggle / replace, className = / +=, setAttribute("class", ...), with
the names written as string literals, held in constants (as minified code does), or passed
down as a function's argument (the course's element(tag, className, text) helper, shared by
its scripts). A name built from pieces ("bs-" + name + "-auto", `bs-${name}-auto`) becomes a
pattern when it is a template literal; one made by concatenation is not found, so such
classes must be styled in the course's own stylesheets, which are never purged.
"""

from __future__ import annotations

import re
from functools import lru_cache

_STRING = re.compile(r'''"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\]|\\.)*)`''')
_CLASS_NAME = re.compile(r"-?[A-Za-z_][\w-]*")
# Where a script sets classes, and which argument of the call holds them (None: all).
_CLASS_CALLS = [
    (re.compile(r"classList\s*\.\s*add\s*\("), None),
    (re.compile(r"classList\s*\.\s*toggle\s*\("), 0),
    (re.compile(r"classList\s*\.\s*replace\s*\("), 1),
    (re.compile(r"""setAttribute\(\s*(?=["']class["'])"""), 1),
]
_CLASS_ASSIGNMENT = re.compile(r"\bclassName\s*\+?=(?!=)\s*")
_FUNCTION = re.compile(
    r"(?:function\s+([\w$]+)\s*|(?:const|let|var)\s+([\w$]+)\s*=\s*(?:function\s*[\w$]*\s*)?|\.([\w$]+)\s*=\s*function\s*[\w$]*\s*)\(([^()]*)\)"
)
_IDENTIFIER = re.compile(r"(?<![\w$.\"'`])([A-Za-z_$][\w$]*)(?![\w$(])")


def _split_arguments(js: str, start: int) -> list[str]:
    """The top-level arguments of the call whose "(" ends just before *start*; for an
    assignment, the expression up to its end."""
    args, depth, quote, current, i = [], 0, "", start, start
    while i < len(js):
        char = js[i]
        if quote:
            if char == "\\":
                i += 1
            elif char == quote:
                quote = ""
        elif char in "\"'`":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0:
                break
            depth -= 1
        elif char in ",;\n" and depth == 0:
            args.append(js[current:i])
            current = i + 1
            if char != ",":
                break
        i += 1
    return args + [js[current:i]]


def _names_in(expression: str, js: str, every_js: str, depth: int = 0) -> tuple[set[str], set[str]]:
    """Class names in an expression, as (names, patterns): its string literals (a template
    literal with ${...} becomes a pattern); identifiers bound to a string literal (minified
    code keeps class names in constants); and a function parameter, through the arguments
    its callers pass in any of the page's scripts (element(tag, className, text), shared
    by the course's scripts, and the like), three calls deep."""
    names: set[str] = set()
    patterns: set[str] = set()
    for double, single, template in _STRING.findall(expression):
        text = double or single or template
        if "${" in text:
            patterns.add("^" + re.sub(r"\\\$\\\{[^}]*\\\}", r"[\\w-]+", re.escape(text)) + "$")
        else:
            names.update(token for token in text.split() if _CLASS_NAME.fullmatch(token))
    for identifier in _IDENTIFIER.findall(_STRING.sub("", expression)):
        bound = _string_constants(js).get(identifier)
        if bound is not None:
            names.update(token for token in bound.split() if _CLASS_NAME.fullmatch(token))
        elif depth < 3 and len(identifier) > 2:  # minified parameters (t, e) lead nowhere
            for found, shapes in _through_callers(identifier, every_js, depth):
                names |= found
                patterns |= shapes
    return names, patterns


_CONSTANT = re.compile(r"""(?:\b(?:const|let|var)\s+|[,{;]\s*)([A-Za-z_$][\w$]*)\s*=\s*(["'])([^"'\n]*)\2""")


@lru_cache(maxsize=None)
def _string_constants(js: str) -> dict[str, str]:
    """Identifier -> the string literal it is first bound to."""
    found: dict[str, str] = {}
    for match in _CONSTANT.finditer(js):
        found.setdefault(match.group(1), match.group(3))
    return found


@lru_cache(maxsize=None)
def _functions_with_parameter(every_js: str) -> dict[str, list[tuple[str, int]]]:
    """Parameter name -> (function name, its position) for every named function."""
    found: dict[str, list[tuple[str, int]]] = {}
    for definition in _FUNCTION.finditer(every_js):
        name = definition.group(1) or definition.group(2) or definition.group(3)
        for index, parameter in enumerate(p.strip() for p in definition.group(4).split(",")):
            found.setdefault(parameter, []).append((name, index))
    return found


@lru_cache(maxsize=None)
def _calls(every_js: str, name: str) -> list[list[str]]:
    """The arguments of every call of function *name*."""
    return [_split_arguments(every_js, call.end()) for call in re.finditer(rf"(?<![\w$])(?<!function ){re.escape(name)}\s*\(", every_js)]


def _through_callers(parameter: str, every_js: str, depth: int) -> list[tuple[set[str], set[str]]]:
    return [
        _names_in(args[index], every_js, every_js, depth + 1)
        for name, index in _functions_with_parameter(every_js).get(parameter, [])
        for args in _calls(every_js, name)
        if index < len(args)
    ]


def runtime_classes(scripts: list[str]) -> tuple[set[str], set[str]]:
    """Class names (and patterns) that these scripts, loaded together, add at run time."""
    every_js = "\n;\n".join(scripts)
    names: set[str] = set()
    patterns: set[str] = set()
    for js in scripts:
        expressions = [
            arg
            for call, index in _CLASS_CALLS
            for match in call.finditer(js)
            for arg in (lambda args: args if index is None else args[index:index + 1])(_split_arguments(js, match.end()))
        ]
        expressions += [_split_arguments(js, match.end())[0] for match in _CLASS_ASSIGNMENT.finditer(js)]
        for expression in expressions:
            found, shapes = _names_in(expression, js, every_js)
            names |= found
            patterns |= shapes
    return names, patterns
