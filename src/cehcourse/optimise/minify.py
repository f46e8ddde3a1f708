"""A CSS minifier on tinycss2's tokens: comments dropped, whitespace collapsed, and removed
only where the CSS grammar says it carries no meaning. It never rewrites values, so what
the browser computes is unchanged (the screenshot guard in tests/ checks exactly that)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import tinycss2
from tinycss2 import ast
from tinycss2.serializer import serialize_identifier

# Whitespace next to these carries no meaning: in selectors (combinators, lists) ...
_SELECTOR_PUNCTUATION = frozenset(",>+~")
# ... and in values (lists). Never "+" or "-" in values: calc() needs the spaces.
_VALUE_PUNCTUATION = frozenset(",")
# At-rules whose block holds rules; the others (@font-face, @page, ...) hold declarations.
_RULE_BLOCKS = frozenset({"media", "supports", "layer", "container", "document", "keyframes", "-webkit-keyframes", "scope", "starting-style"})


def _tokens(tokens: Iterable[ast.Node], punctuation: frozenset[str]) -> str:
    out: list[str] = []
    space = False
    for token in tokens:
        if isinstance(token, ast.Comment):
            continue
        if isinstance(token, ast.WhitespaceToken):
            space = True
            continue
        is_punctuation = isinstance(token, ast.LiteralToken) and token.value in punctuation
        if space and out and not is_punctuation and out[-1] not in punctuation:
            out.append(" ")
        space = False
        out.append(_token(token, punctuation))
    return "".join(out)


def _token(token: ast.Node, punctuation: frozenset[str]) -> str:
    if isinstance(token, ast.FunctionBlock):
        return f"{serialize_identifier(token.name)}({_tokens(token.arguments, punctuation)})"
    if isinstance(token, ast.ParenthesesBlock):
        return f"({_tokens(token.content, punctuation)})"
    if isinstance(token, ast.SquareBracketsBlock):
        return f"[{_tokens(token.content, punctuation)}]"
    if isinstance(token, ast.CurlyBracketsBlock):
        return f"{{{_tokens(token.content, punctuation)}}}"
    return str(token.serialize())


def _declarations(content: list[ast.Node] | None) -> str:
    items: list[str] = []
    for node in tinycss2.parse_blocks_contents(content or [], skip_comments=True, skip_whitespace=True):
        if isinstance(node, ast.Declaration):
            value = _tokens(node.value, _VALUE_PUNCTUATION)
            if not value and node.name.startswith("--"):
                value = " "  # an empty custom property still needs its space
            items.append(f"{node.name}:{value}{'!important' if node.important else ''}")
        elif isinstance(node, (ast.QualifiedRule, ast.AtRule)):
            items.append(_rule(node))  # CSS nesting
        # ParseError: a declaration the browser would drop too.
    return ";".join(items)


def _rule(node: ast.Node) -> str:
    if isinstance(node, ast.QualifiedRule):
        return f"{_tokens(node.prelude, _SELECTOR_PUNCTUATION)}{{{_declarations(node.content)}}}"
    if isinstance(node, ast.AtRule):
        prelude = _tokens(node.prelude, _VALUE_PUNCTUATION)
        head = f"@{node.at_keyword}{' ' + prelude if prelude else ''}"
        if node.content is None:
            return f"{head};"
        if node.lower_at_keyword in _RULE_BLOCKS:
            rules = tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True)
            return f"{head}{{{''.join(_rule(rule) for rule in rules)}}}"
        return f"{head}{{{_declarations(node.content)}}}"
    return ""  # ParseError: a rule the browser would drop too


# The stylesheets kept whole (the course's own, myst-nb's) recur in every bundle: minify once.
@lru_cache(maxsize=64)
def minify(css: str) -> str:
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return "".join(_rule(rule) for rule in rules)
