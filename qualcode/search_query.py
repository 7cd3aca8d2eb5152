"""The search query language: parsing, and translation into an FTS5 MATCH expression.

Words, ``"phrases"`` (also „…“), prefixes (``prosjač*``), ``AND``/``OR``/``NOT`` (upper case)
and parentheses; adjacent terms mean ``AND``. ``NOT`` binds tightest, then ``AND``, then
``OR``, as in SQLite FTS5; ``NOT`` is binary (``policija NOT beograd``). Every term is folded
(:func:`qualcode.text.fold.fold`) and split into tokens by the index's own rule, then quoted,
so nothing a user types can reach FTS5 as syntax. A query may nest at most :data:`MAX_DEPTH`
levels (parentheses and operators), which keeps both this parser and FTS5's own within bounds.
"""

from __future__ import annotations

from dataclasses import dataclass

from qualcode.errors import QualcodeError
from qualcode.store.fulltext import TOKEN_PATTERN
from qualcode.text import lemmas
from qualcode.text.fold import fold

__all__ = [
    "MAX_DEPTH",
    "Expansions",
    "Node",
    "Operation",
    "SearchQueryError",
    "Term",
    "parse",
    "readable",
    "terms",
    "to_fts",
]


class SearchQueryError(QualcodeError):
    """The search query cannot be read; the message says what is wrong and shows an example."""


_OPERATORS = frozenset({"AND", "OR", "NOT"})
_QUOTES = '"„“”'  # typed quotes, and the Serbian/English typographic ones a phone may insert
_STOPS = frozenset(_QUOTES) | {"(", ")"}
_EXAMPLES = {"AND": "policija AND centar", "OR": "policija OR centar", "NOT": "policija NOT beograd"}

#: How deeply a query may nest: parentheses, and operator levels in the parsed tree. No real
#: search comes near it; the bound is set by SQLite FTS5, whose parser overflows its fixed stack
#: at about 32 nested parentheses (to_fts wraps every nested operation in one pair), and it also
#: keeps the recursive parser and tree walks here far from Python's recursion limit.
MAX_DEPTH = 25


@dataclass(frozen=True)
class Term:
    """A word, a prefix or a phrase: folded tokens, each possibly a prefix."""

    tokens: tuple[str, ...]
    prefixes: tuple[bool, ...]
    quoted: bool
    #: The word as typed, in the form a lemmatizer reads (None for phrases and prefixes).
    surface: str | None = None

    @property
    def lemmatizable(self) -> bool:
        """A bare single word, the only kind ``--lemma`` expands."""
        return not self.quoted and len(self.tokens) == 1 and not self.prefixes[0]


@dataclass(frozen=True)
class Operation:
    """``AND``/``OR`` over two or more operands, or ``NOT`` (the first minus each of the others)."""

    operator: str
    operands: tuple[Node, ...]


Node = Term | Operation
_Lexeme = tuple[str, str]  # (kind, text): kind is word | phrase | op | ( | )


def _error(message: str) -> SearchQueryError:
    return SearchQueryError(f"cannot read the search query: {message}")


def _too_deep(depth: int) -> SearchQueryError:
    return _error(
        f"it nests {depth} levels deep (parentheses and operators); qualcode allows at most {MAX_DEPTH}; "
        "remove parentheses or split it into several searches"
    )


def _paren_depth(lexemes: list[_Lexeme]) -> int:
    depth = deepest = 0
    for kind, _ in lexemes:
        if kind == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif kind == ")":
            depth = max(depth - 1, 0)  # an unmatched ")" is reported by the parser
    return deepest


def _tree_depth(node: Node) -> int:
    # Iterative on purpose: this runs before anything else walks the tree recursively.
    deepest = 0
    stack: list[tuple[Node, int]] = [(node, 1)]
    while stack:
        current, depth = stack.pop()
        if isinstance(current, Operation):
            deepest = max(deepest, depth)
            stack.extend((operand, depth + 1) for operand in current.operands)
    return deepest


def _lex(query: str) -> list[_Lexeme]:
    lexemes: list[_Lexeme] = []
    i, n = 0, len(query)
    while i < n:
        char = query[i]
        if char.isspace():
            i += 1
        elif char in "()":
            lexemes.append((char, char))
            i += 1
        elif char in _QUOTES:
            end = next((j for j in range(i + 1, n) if query[j] in _QUOTES), -1)
            if end < 0:
                raise _error('a " opens a phrase that is never closed; close it, e.g. "dečje prosjačenje"')
            lexemes.append(("phrase", query[i + 1 : end]))
            i = end + 1
        else:
            j = i
            while j < n and not query[j].isspace() and query[j] not in _STOPS:
                j += 1
            word = query[i:j]
            lexemes.append(("op" if word in _OPERATORS else "word", word))
            i = j
    return lexemes


def _make_term(text: str, quoted: bool) -> Term:
    tokens: list[str] = []
    prefixes: list[bool] = []
    for word in text.split():
        star = word.endswith("*")
        body = word[:-1] if star else word
        found = TOKEN_PATTERN.findall(fold(body))
        if "*" in body or (star and not found):
            raise _error(f"* can only end a word (a prefix search such as prosjač*); check {word!r}")
        tokens += found
        prefixes += [False] * (len(found) - 1) + [star] * bool(found)
    if not tokens:
        if quoted and not text.strip():
            raise _error('the phrase "" is empty; put words between the quotes, e.g. "dečje prosjačenje"')
        shown = f'"{text}"' if quoted else text
        raise _error(f"{shown} has no letters or digits to search for; search for words, e.g. prosjačenje")
    surface = None
    if not quoted and len(tokens) == 1 and not prefixes[0]:
        words = TOKEN_PATTERN.findall(lemmas.surface_form(text))
        surface = words[0] if len(words) == 1 else None
    return Term(tuple(tokens), tuple(prefixes), quoted, surface)


def _combine(operator: str, parts: list[Node]) -> Node:
    if len(parts) == 1:
        return parts[0]
    flat: list[Node] = []
    for part in parts:
        if isinstance(part, Operation) and part.operator == operator:
            flat.extend(part.operands)
        else:
            flat.append(part)
    return Operation(operator, tuple(flat))


class _Parser:
    """Recursive descent: or := and (OR and)*; and := not ([AND] not)*; not := primary (NOT primary)*."""

    def __init__(self, lexemes: list[_Lexeme]) -> None:
        self.lexemes = lexemes
        self.pos = 0

    def peek(self) -> _Lexeme | None:
        return self.lexemes[self.pos] if self.pos < len(self.lexemes) else None

    def parse(self) -> Node:
        if not self.lexemes:
            raise _error('it is empty; search for a word, a "phrase" or a prefix*, e.g. prosjačenje')
        node = self.or_expr()
        if self.pos < len(self.lexemes):  # only a ")" stops an expression before the end
            raise _error("a ) has no matching (; e.g. (policija OR centar) AND dete")
        return node

    def or_expr(self) -> Node:
        parts = [self.and_expr()]
        while self.peek() == ("op", "OR"):
            self.pos += 1
            parts.append(self.and_expr())
        return _combine("OR", parts)

    def and_expr(self) -> Node:
        parts = [self.not_expr()]
        while (lexeme := self.peek()) is not None:
            if lexeme == ("op", "AND"):
                self.pos += 1
            elif lexeme[0] not in ("word", "phrase", "("):
                break
            parts.append(self.not_expr())
        return _combine("AND", parts)

    def not_expr(self) -> Node:
        # One flat NOT over a chain: FTS5 reads "a NOT b NOT c" left to right as we do, and a
        # nested tree would cost a level of depth (and a pair of parentheses) per NOT.
        parts = [self.primary()]
        while self.peek() == ("op", "NOT"):
            self.pos += 1
            parts.append(self.primary())
        return parts[0] if len(parts) == 1 else Operation("NOT", tuple(parts))

    def primary(self) -> Node:
        lexeme = self.peek()
        previous = self.lexemes[self.pos - 1] if self.pos > 0 else None
        if lexeme is None or lexeme[0] in ("op", ")"):
            if previous is not None and previous[0] == "op":
                raise self._lone(previous[1])
            if lexeme is not None and lexeme[0] == "op":
                raise self._lone(lexeme[1])
            if lexeme is None:  # the query ends right after "("
                raise _error("a ( is never closed; close it, e.g. (policija OR centar) AND dete")
            raise _error("the parentheses () are empty; put words inside, e.g. (policija OR centar)")
        self.pos += 1
        if lexeme[0] == "(":
            node = self.or_expr()
            if self.peek() != (")", ")"):
                raise _error("a ( is never closed; close it, e.g. (policija OR centar) AND dete")
            self.pos += 1
            return node
        return _make_term(lexeme[1], quoted=lexeme[0] == "phrase")

    @staticmethod
    def _lone(operator: str) -> SearchQueryError:
        return _error(
            f"{operator} needs a word or phrase on each side, e.g. {_EXAMPLES[operator]} "
            f'(to search for the word itself, quote it: "{operator.lower()}")'
        )


def parse(query: str) -> Node:
    """The query's syntax tree; :class:`SearchQueryError` for a query that cannot be read.

    That includes a query nesting more than :data:`MAX_DEPTH` levels: parentheses are counted
    before parsing (the parser recurses per pair), operator levels after.
    """
    lexemes = _lex(query)
    if (depth := _paren_depth(lexemes)) > MAX_DEPTH:
        raise _too_deep(depth)
    tree = _Parser(lexemes).parse()
    if (depth := _tree_depth(tree)) > MAX_DEPTH:
        raise _too_deep(depth)
    return tree


Expansions = dict[Term, tuple[str, ...]]


def _fts_term(term: Term, expansions: Expansions) -> str:
    forms = expansions.get(term)
    if forms and len(forms) > 1:
        return "(" + " OR ".join(f'"{form}"' for form in forms) + ")"
    # Tokens hold letters and digits only, so they cannot contain a quote or any FTS5 syntax.
    return " + ".join(
        f'"{token}"' + (" *" if prefix else "")
        for token, prefix in zip(term.tokens, term.prefixes, strict=True)
    )


def to_fts(node: Node, expansions: Expansions) -> str:
    """The SQLite FTS5 MATCH expression: quoted folded tokens, explicit operators, parentheses."""
    if isinstance(node, Term):
        return _fts_term(node, expansions)
    parts = [
        to_fts(o, expansions) if isinstance(o, Term) else f"({to_fts(o, expansions)})" for o in node.operands
    ]
    return f" {node.operator} ".join(parts)


def readable(node: Node, expansions: Expansions) -> str:
    """The query as understood: folded words, explicit operators, lemma forms spelled out."""
    if isinstance(node, Term):
        forms = expansions.get(node)
        if forms and len(forms) > 1:
            return "(" + " OR ".join(forms) + ")"
        words = " ".join(t + ("*" if p else "") for t, p in zip(node.tokens, node.prefixes, strict=True))
        return f'"{words}"' if len(node.tokens) > 1 else words
    parts = [
        readable(o, expansions) if isinstance(o, Term) else f"({readable(o, expansions)})"
        for o in node.operands
    ]
    return f" {node.operator} ".join(parts)


def terms(node: Node, *, positive_only: bool = False) -> list[Term]:
    """The terms of a query, left to right; ``positive_only`` leaves out what ``NOT`` excludes."""
    if isinstance(node, Term):
        return [node]
    operands = node.operands[:1] if positive_only and node.operator == "NOT" else node.operands
    return [t for o in operands for t in terms(o, positive_only=positive_only)]
