"""Okta's filter expressions (the `filter` query parameter of its list operations): an
attribute compared with a quoted string (`eq`, `sw`) or tested for presence (`pr`), joined
by `and` and `or` (`and` binding tighter) and grouped with parentheses, as Okta's filtering
reference describes them: `(id eq "tos1" or id eq "tos2") and status eq "ACTIVE"`."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping

from .errors import InvalidFilter

# An object's attributes as a filter sees them: each a list of values (a trusted origin's
# `type` has one per scope).
Attributes = Mapping[str, Collection[str]]
Predicate = Callable[[Attributes], bool]

TOKEN = re.compile(r'\s*(?:(?P<bracket>[()])|"(?P<string>(?:[^"\\]|\\.)*)"|(?P<word>[\w.]+))')
COMPARISONS: dict[str, Callable[[str, str], bool]] = {
    "eq": str.__eq__,
    "sw": str.startswith,
}


def parse(text: str, attributes: Collection[str]) -> Predicate:
    """The predicate `text` states over these attributes; InvalidFilter when it states none."""
    parser = _Parser(_tokens(text), attributes)
    predicate = parser.disjunction()
    if parser.tokens:
        raise InvalidFilter(f"unexpected {parser.tokens[0][1]!r} in the filter")
    return predicate


def _tokens(text: str) -> list[tuple[str, str]]:
    """(kind, text) pairs: bracket, string (unescaped) or word."""
    tokens: list[tuple[str, str]] = []
    position = 0
    while text[position:].strip():
        match = TOKEN.match(text, position)
        if match is None:
            raise InvalidFilter(f"the filter cannot be read from {text[position:]!r}")
        kind = match.lastgroup or ""
        value = match[kind]
        tokens.append((kind, re.sub(r"\\(.)", r"\1", value) if kind == "string" else value))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], attributes: Collection[str]) -> None:
        self.tokens = tokens
        self.attributes = attributes

    def disjunction(self) -> Predicate:
        terms = [self.conjunction()]
        while self._next_is("word", "or"):
            terms.append(self.conjunction())
        return terms[0] if len(terms) == 1 else lambda item: any(term(item) for term in terms)

    def conjunction(self) -> Predicate:
        factors = [self.factor()]
        while self._next_is("word", "and"):
            factors.append(self.factor())
        if len(factors) == 1:
            return factors[0]
        return lambda item: all(factor(item) for factor in factors)

    def factor(self) -> Predicate:
        if self._next_is("bracket", "("):
            inner = self.disjunction()
            if not self._next_is("bracket", ")"):
                raise InvalidFilter("a parenthesis of the filter is not closed")
            return inner
        attribute = self._take("word")
        if attribute not in self.attributes:
            raise InvalidFilter(f"the filter names no attribute {attribute!r}")
        operator = self._take("word")
        if operator == "pr":
            return lambda item: bool(item.get(attribute))
        compare = COMPARISONS.get(operator)
        if compare is None:
            raise InvalidFilter(f"the filter has no operator {operator!r}")
        value = self._take("string")
        return lambda item: any(compare(have, value) for have in item.get(attribute, ()))

    def _next_is(self, kind: str, text: str) -> bool:
        """Takes the next token when it is this one."""
        if self.tokens and self.tokens[0][0] == kind and self.tokens[0][1].lower() == text:
            self.tokens.pop(0)
            return True
        return False

    def _take(self, kind: str) -> str:
        if not self.tokens or self.tokens[0][0] != kind:
            raise InvalidFilter(f"the filter lacks a {kind} where it ends or goes on")
        return self.tokens.pop(0)[1]
