"""Which answer fields the web page's JavaScript reads, checked against the API's OpenAPI schema.

``api/web/app.js`` states the type of every value it holds from an answer with standard JSDoc:

- ``/** @returns {Promise<LineageAnswer>} */`` on each fetcher, the only functions that call
  ``api(PATH)``; the type must be the response schema of PATH's route;
- ``/** @param {Hop} h */`` on a function, ``/** @type {Coverage} */`` on a ``const``/``let``;
- ``/** @typedef {object} ShownHop`` with ``@property {Hop} hop`` lines for the page's own shapes.

From those, types flow without annotations into ``const x = EXPR;`` and into the parameters of
callbacks: ``EXPR.map((x) =>`` (also filter, flatMap, forEach, some, every, find, sort) over a
typed array, ``for (const x of EXPR)``, ``EXPR.then((x) =>`` on a typed promise, and
``const [a, b] = await Promise.all([EXPR, EXPR])``. An EXPR is a property chain on a typed name
(``h.source.id``, ``f?.matches[0]``), ``arr(EXPR)``, ``quiet(EXPR)``, a call of a function with
``@returns``, or an array EXPR followed by ``.filter(…)``, ``.slice(…)``, ``.sort(…)``, or by
``.map((x) => EXPR)``. Every chain on a typed name is resolved field by field through the schema;
a field the schema lacks is reported with its line. So is a defensive read the schema makes pointless: ``?.`` on a value that cannot be
null, ``arr(x)`` of an array that is always there, ``num(x)`` of a number that is always there,
``x ?? …``, ``x || {}`` or ``x || []`` of a value that cannot be null.

This is a reader for one disciplined file, not a JavaScript type checker: it does not narrow
types on ``if (x)``, and a value that reaches the page by a road it does not know stays unchecked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

# --- types ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class T:
    """A type: ``ref`` (a schema component or a page typedef), ``array``, ``union``, ``dict`` (open
    keys), ``promise``, ``prim`` (string, integer, …: not looked into), ``null``, ``any`` (unknown:
    not checked)."""

    kind: str
    name: str = ""
    of: tuple[T, ...] = ()

    def __str__(self) -> str:
        if self.kind == "ref" or self.kind == "prim":
            return self.name
        if self.kind == "array":
            return f"{self.of[0]}[]"
        if self.kind == "union":
            return "|".join(map(str, self.of))
        if self.kind == "dict":
            return f"Object<string, {self.of[0]}>"
        if self.kind == "promise":
            return f"Promise<{self.of[0]}>"
        return self.kind

    @property
    def nullable(self) -> bool:
        return self.kind in ("null", "any") or (self.kind == "union" and any(m.nullable for m in self.of))

    def without_null(self) -> T:
        if self.kind != "union":
            return self
        rest = tuple(m for m in self.of if m.kind != "null")
        return rest[0] if len(rest) == 1 else T("union", of=rest)


ANY, NULL = T("any"), T("null")
# A name that is not a property: not after a word character or a dot, except the dots of a spread (...x).
ROOT = r"(?<![\w$])(?:(?<=\.\.\.)|(?<!\.))"
STEPS = r"(?:\??\.[\w$]+|\??\.?\[[\w$]+\])*"  # .a ?.b [0] ?.[i]: the steps of a property chain
PRIMITIVES = {"string", "number", "integer", "boolean", "object", "function", "*", "undefined", "Element",
              "HTMLElement", "Promise", "Map", "Set", "Error", "ApiError", "URLSearchParams"}
ARRAY_MEMBERS = {"length", "map", "filter", "flatMap", "forEach", "some", "every", "find", "findIndex", "slice",
                 "join", "includes", "indexOf", "concat", "sort", "reduce", "push", "at", "entries", "keys"}
CALLBACKS = ("map", "filter", "flatMap", "forEach", "some", "every", "find", "findIndex", "sort")
ARRAY_ITEM_PARAMS = {"sort": 2}  # callbacks whose first two parameters are both items
SAME_ARRAY = ("filter", "slice", "sort", "concat")  # methods answering an array of the same items


def union(members: list[T]) -> T:
    flat: list[T] = []
    for m in members:
        for x in (m.of if m.kind == "union" else (m,)):
            if x not in flat:
                flat.append(x)
    if any(m.kind == "any" for m in flat):
        return ANY
    return flat[0] if len(flat) == 1 else T("union", of=tuple(flat))


class Types:
    """The schema's components and the page's typedefs, and how fields resolve in them."""

    def __init__(self, openapi: dict[str, Any]):
        self.openapi = openapi
        self.components: dict[str, dict[str, Any]] = openapi["components"]["schemas"]
        self.local: dict[str, dict[str, T]] = {}

    def known(self, name: str) -> bool:
        return name in self.components or name in self.local

    def of_schema(self, schema: dict[str, Any]) -> T:
        if "$ref" in schema:
            return T("ref", schema["$ref"].rsplit("/", 1)[1])
        if "anyOf" in schema or "oneOf" in schema:
            return union([self.of_schema(s) for s in schema.get("anyOf") or schema["oneOf"]])
        kind = schema.get("type")
        if kind == "array":
            return T("array", of=(self.of_schema(schema.get("items") or {}),))
        if kind == "null":
            return NULL
        if kind == "object" and "properties" not in schema:
            extra = schema.get("additionalProperties", True)
            return T("dict", of=(self.of_schema(extra) if isinstance(extra, dict) else ANY,))
        return T("prim", kind) if kind else ANY

    def fields(self, name: str) -> dict[str, T] | None:
        if name in self.local:
            return self.local[name]
        schema = self.components.get(name)
        if schema is None:
            return None
        required = set(schema.get("required") or ())
        return {k: self.of_schema(v) if k in required else union([self.of_schema(v), NULL])  # absent: undefined
                for k, v in (schema.get("properties") or {}).items()}

    def member(self, of: T, step: str) -> T | str:
        """The type of ``of.step`` (``[0]`` for an index), or why the schema has no such field."""
        of = of.without_null()
        if of.kind in ("any", "prim", "null"):
            return ANY
        if step == "[]":  # an index: an array's item (which may be missing), a map's value, else unknown
            return union([of.of[0], NULL]) if of.kind == "array" else of.of[0] if of.kind == "dict" else ANY
        if of.kind == "dict":
            return of.of[0]
        if of.kind == "array":
            return ANY if step in ARRAY_MEMBERS else f"{of} has no field {step!r}"
        if of.kind == "union":
            found = [t for t in (self.member(m, step) for m in of.of) if isinstance(t, T)]
            return union(found) if found else f"none of {of} has a field {step!r}"
        fields = self.fields(of.name) or {}
        return fields.get(step) or f"{of.name} has no field {step!r}"

    def parse(self, text: str) -> T | str:
        """A JSDoc type: ``Hop``, ``Hop[]``, ``(A|B)[]``, ``A|null``, ``Promise<A>``, ``"up"|"down"``."""
        text = text.strip()
        if text.startswith("Promise<") and text.endswith(">"):
            inner = self.parse(text[len("Promise<") : -1])
            return inner if isinstance(inner, str) else T("promise", of=(inner,))
        parts = _split_top(text, "|")
        if len(parts) > 1:
            members = [self.parse(p) for p in parts]
            bad = [m for m in members if isinstance(m, str)]
            return bad[0] if bad else union([m for m in members if isinstance(m, T)])
        if text.endswith("[]"):
            item = self.parse(text[:-2])
            return item if isinstance(item, str) else T("array", of=(item,))
        if text.startswith("(") and text.endswith(")"):
            return self.parse(text[1:-1])
        if text == "null":
            return NULL
        if text[:1] in "\"'" or text in PRIMITIVES or text.startswith(("Object<", "{")):
            return T("prim", text)
        return T("ref", text) if self.known(text) else f"unknown type {text!r}"


def _split_top(text: str, sep: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch in "(<[{"
        depth -= ch in ")>]}"
        if ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return [*parts, text[start:]]


# --- reading the source -----------------------------------------------------------------------

_REGEX_BEFORE = set("(,=:[!&|?{};")


def mask(source: str) -> str:
    """The source with comments, string and template text and regex literals blanked (lengths and
    newlines kept), so brackets match and names are found in code only; ``${…}`` stays code."""
    out = list(source)
    n = len(source)
    stack: list[int] = []  # brace depth at each open ${ … } of a template
    depth = 0
    i = 0

    def blank(a: int, b: int) -> None:
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = " "

    def template_text(i: int) -> int:
        """From inside a template's text to its end or to the next ``${``; returns the index after."""
        start = i
        while i < n:
            if source[i] == "\\":
                i += 2
                continue
            if source[i] == "`":
                blank(start, i + 1)
                return i + 1
            if source[i : i + 2] == "${":
                blank(start, i + 2)
                stack.append(depth)
                return i + 2
            i += 1
        raise ValueError("unterminated template literal")

    while i < n:
        ch = source[i]
        if source.startswith("//", i):
            end = source.find("\n", i)
            end = n if end < 0 else end
            blank(i, end)
            i = end
        elif source.startswith("/*", i):
            end = source.index("*/", i) + 2
            blank(i, end)
            i = end
        elif ch in "\"'":
            j = i + 1
            while source[j] != ch:
                j += 2 if source[j] == "\\" else 1
            blank(i, j + 1)
            i = j + 1
        elif ch == "`":
            out[i] = " "
            i = template_text(i + 1)
        elif ch == "/" and _previous_code(out, i) in _REGEX_BEFORE | {""}:
            j, in_class = i + 1, False
            while in_class or source[j] != "/":
                if source[j] == "\\":
                    j += 1
                elif source[j] == "[":
                    in_class = True
                elif source[j] == "]":
                    in_class = False
                j += 1
            j += 1
            while j < n and source[j].isalpha():
                j += 1
            blank(i, j)
            i = j
        elif ch == "{":
            depth += 1
            i += 1
        elif ch == "}":
            if stack and stack[-1] == depth:  # the end of a template's ${ … }: back to its text
                stack.pop()
                out[i] = " "
                i = template_text(i + 1)
            else:
                depth -= 1
                i += 1
        else:
            i += 1
    return "".join(out)


def _previous_code(out: list[str], i: int) -> str:
    k = i - 1
    while k >= 0 and out[k].isspace():
        k -= 1
    if k >= 0 and "".join(out[max(0, k - 5) : k + 1]).endswith("return"):
        return "("
    return out[k] if k >= 0 else ""


def matching(code: str) -> dict[int, int]:
    """Each bracket's partner, both ways."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for i, ch in enumerate(code):
        if ch in "([{":
            stack.append(i)
        elif ch in ")]}":
            j = stack.pop()
            pairs[i], pairs[j] = j, i
    return pairs


# --- bindings -----------------------------------------------------------------------------------


@dataclass
class Binding:
    """``name`` holds a value of ``type`` from ``start`` to ``end`` (offsets in the source)."""

    name: str
    type: T
    start: int
    end: int


@dataclass
class Page:
    source: str
    types: Types
    code: str = ""
    pairs: dict[int, int] = field(default_factory=dict)
    bindings: list[Binding] = field(default_factory=list)
    returns: dict[str, T] = field(default_factory=dict)  # function name → the type its @returns names
    fetchers: dict[str, tuple[int, int]] = field(default_factory=dict)  # the functions calling api(): their extents
    problems: list[str] = field(default_factory=list)
    reads: set[tuple[str, str]] = field(default_factory=set)  # (type, field) pairs resolved

    def __post_init__(self) -> None:
        self.code = mask(self.source)
        self.pairs = matching(self.code)

    def line(self, pos: int) -> int:
        return self.source.count("\n", 0, pos) + 1

    def problem(self, pos: int, message: str) -> None:
        entry = f"app.js:{self.line(pos)}: {message}"
        if entry not in self.problems:
            self.problems.append(entry)

    # extents

    def block_end(self, pos: int) -> int:
        """The end of the innermost ``{ … }`` holding ``pos`` (the file's end at top level)."""
        depth = 0
        for k in range(pos - 1, -1, -1):
            ch = self.code[k]
            if ch in ")]}":
                depth += 1
            elif ch in "([{":
                if depth == 0:
                    return self.pairs[k]
                depth -= 1
        return len(self.code)

    def expression_end(self, pos: int) -> int:
        """Where an arrow's body starting at ``pos`` ends: its braces, or the expression's end."""
        k = _skip_space(self.code, pos)
        if self.code[k] == "{":
            return self.pairs[k] + 1
        depth = 0
        while k < len(self.code):
            ch = self.code[k]
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                if depth == 0:
                    return k
                depth -= 1
            elif ch in ",;" and depth == 0:
                return k
            k += 1
        return k

    def function_after(self, pos: int) -> tuple[str, list[str], int, int] | None:
        """A function declared at ``pos``: (name, parameter names, body start, body end)."""
        m = re.compile(r"\s*(?:async\s+)?function\s+([\w$]+)\s*\(").match(self.code, pos)
        if m:
            close = self.pairs[m.end() - 1]
            body = self.code.index("{", close)
            return m[1], _names(self.code[m.end() : close]), body, self.pairs[body]
        m = re.compile(r"\s*(?:const|let)\s+([\w$]+)\s*=\s*(?:async\s*)?\(").match(self.code, pos)
        if m:
            close = self.pairs[m.end() - 1]
            arrow = re.compile(r"\s*=>").match(self.code, close + 1)
            if arrow:
                return m[1], _names(self.code[m.end() : close]), arrow.end(), self.expression_end(arrow.end())
        return None

    # reading annotations and inferring

    def read_annotations(self) -> None:
        docs = list(re.finditer(r"/\*\*(.*?)\*/", self.source, re.S))
        typedefs = [(doc, name, props) for doc in docs for name, props in _typedefs(doc[1])]
        for _, name, _ in typedefs:  # every name first: a typedef may name another
            self.types.local[name] = {}
        for doc, name, props in typedefs:
            for prop, text in props:
                parsed = self.types.parse(text)
                if isinstance(parsed, str):
                    self.problem(doc.start(), f"@typedef {name}: {parsed}")
                self.types.local[name][prop] = ANY if isinstance(parsed, str) else parsed
        for doc in docs:
            tags = _tags(doc[1])
            function = self.function_after(doc.end())
            for tag, text, name in tags:
                parsed = self.types.parse(text)
                if isinstance(parsed, str):
                    self.problem(doc.start(), f"@{tag} {{{text}}}: {parsed}")
                    continue
                if tag in ("param", "returns") and function is None:
                    self.problem(doc.start(), f"@{tag} must stand before a function")
                elif tag == "param" and name not in function[1]:
                    self.problem(doc.start(), f"@param {name}: {function[0]} has no parameter {name!r}")
                elif tag == "param":
                    self.bindings.append(Binding(name, parsed, function[2], function[3]))
                elif tag == "returns":
                    self.returns[function[0]] = parsed
                    if "api(" in self.code[function[2] : function[3]]:
                        self.fetchers[function[0]] = (function[2], function[3])
                        self.check_fetcher(function[0], text, function[2], function[3])
                elif tag == "type":
                    m = re.compile(r"\s*(?:const|let)\s+([\w$]+)\s*=").match(self.code, doc.end())
                    if not m:
                        self.problem(doc.start(), "@type must stand before const NAME = … or let NAME = …")
                        continue
                    self.bindings.append(Binding(m[1], parsed, m.end(), self.block_end(m.start())))

    def type_at(self, name: str, pos: int) -> T | None:
        """The innermost binding of ``name`` whose extent holds ``pos``."""
        best = None
        for b in self.bindings:
            if b.name == name and b.start <= pos < b.end and (best is None or b.end - b.start < best.end - best.start):
                best = b
        return best.type if best else None

    def chain_type(self, root: str, steps: str, pos: int, report: bool = True) -> T | None:
        """The type of ``root`` + ``steps`` (``.a?.b[0]``) read at ``pos``; reports missing fields and
        ``?.`` on values that cannot be null. After a ``?.`` that can stop, the result may be null."""
        current = self.type_at(root, pos)
        if current is None:
            return None
        path, stopped = root, False
        for optional, step in _steps(steps):
            if optional and not current.nullable:
                if report:
                    self.problem(pos, f"{path}?.{step}: {path} is {current}, never null; read it without ?.")
            elif optional:
                stopped = True
            found = self.types.member(current, step)
            if isinstance(found, str):
                if report:
                    self.problem(pos, f"{path}{'?.' if optional else '.'}{step}: {found}")
                return ANY
            if current.without_null().kind == "ref" and step != "[]":
                self.reads.add((current.without_null().name, step))
            current, path = found, f"{path}.{step}" if step != "[]" else f"{path}[…]"
        return union([current, NULL]) if stopped else current

    def expression_before(self, end: int) -> tuple[T | None, int]:
        """The type of the expression ending just before ``end``, and where it starts: a chain on a
        typed name, ``arr(…)``, ``quiet(…)``, a call of a typed function, or an array of these
        followed by ``.filter(…)``, ``.slice(…)``, ``.sort(…)``, ``.concat(…)``, or by ``.map(…)`` or
        ``.flatMap(…)`` of an arrow whose body is such an expression."""
        code, k = self.code, end
        while k > 0 and code[k - 1].isspace():
            k -= 1
        if k and code[k - 1] == ")":
            opening = self.pairs[k - 1]
            call = re.search(r"(\.)?([\w$]+)\s*$", code[max(0, opening - 60) : opening])
            if not call:
                return None, k
            start = opening - len(call[0])
            if call[1] and call[2] in SAME_ARRAY:
                return self.expression_before(start)
            inner, inner_start = self.expression_before(k - 1)
            if call[1] and call[2] in ("map", "flatMap"):  # .map((x) => EXPR): an array of what EXPR is
                arrow = re.compile(r"\(\s*(?:\([^()]*\)|[\w$]+)\s*=>\s*").match(code, opening)
                if arrow is None or inner is None or inner_start != arrow.end():
                    return None, start
                if call[2] == "flatMap":
                    return (inner if inner.without_null().kind == "array" else None), start
                return T("array", of=(inner,)), start
            if call[1]:
                return None, start
            if call[2] == "arr":
                return (inner.without_null() if inner else None), start
            if call[2] == "quiet" and inner is not None and inner.kind == "promise":
                return T("promise", of=(union([inner.of[0], NULL]),)), start
            return self.returns.get(call[2]), start
        m = re.search(ROOT + r"([\w$]+)(" + STEPS + r")$", code[max(0, k - 300) : k])
        if not m:
            return None, k
        start = k - len(m[0])
        return self.chain_type(m[1], m[2], start, report=False), start

    def infer(self) -> None:
        """Bindings that follow from others; repeated until nothing new is found."""
        seen: set[tuple[str, int]] = {(b.name, b.start) for b in self.bindings}
        for _ in range(12):
            fresh = [b for b in self._inferred() if (b.name, b.start) not in seen]
            if not fresh:
                return
            for b in fresh:
                seen.add((b.name, b.start))
                self.bindings.append(b)

    def _inferred(self) -> Iterator[Binding]:
        code = self.code
        # const x = EXPR;  const x = await EXPR;
        for m in re.finditer(r"\b(?:const|let)\s+([\w$]+)\s*=\s*(await\s+)?", code):
            end = self.expression_end(m.end())
            t, start = self.expression_before(end)
            if t is None or start != m.end() or code[end : end + 1] not in (";", ","):
                continue
            if m[2]:
                if t.kind != "promise":
                    continue
                t = t.of[0]
            yield Binding(m[1], t, end, self.block_end(m.start()))
        # EXPR.map((x, i) => …, EXPR.then((x) => …
        for m in re.finditer(r"\.(" + "|".join((*CALLBACKS, "then")) + r")\(\s*(?:\(([^()]*)\)|([\w$]+))\s*=>", code):
            t, _ = self.expression_before(m.start())
            if t is None:
                continue
            params = _names(m[2] if m[2] is not None else m[3])
            if m[1] == "then" and t.kind == "promise":
                items = [t.of[0]]
            elif m[1] != "then" and t.without_null().kind == "array":
                items = [t.without_null().of[0]] * ARRAY_ITEM_PARAMS.get(m[1], 1)
            else:
                continue
            for name, item in zip(params, items, strict=False):
                yield Binding(name, item, m.end(), self.expression_end(m.end()))
        # for (const x of EXPR)
        for m in re.finditer(r"\bfor\s*\(\s*const\s+([\w$]+)\s+of\s", code):
            close = self.pairs[code.index("(", m.start())]
            t, _ = self.expression_before(close)
            if t is not None and t.without_null().kind == "array":
                yield Binding(m[1], t.without_null().of[0], close, self.expression_end(close + 1))
        # const [a, b] = await Promise.all([EXPR, EXPR])
        for m in re.finditer(r"\b(?:const|let)\s+\[([^\]]*)\]\s*=\s*await\s+Promise\.all\(\[", code):
            close = self.pairs[m.end() - 1]
            ends = [i for i in range(m.end(), close) if code[i] == "," and self._depth(m.end(), i) == 0] + [close]
            for name, end in zip(_names(m[1]), ends, strict=False):
                t, _ = self.expression_before(end)
                if t is not None and t.kind == "promise":
                    yield Binding(name, t.of[0], close, self.block_end(m.start()))

    def _depth(self, start: int, pos: int) -> int:
        depth = 0
        for ch in self.code[start:pos]:
            depth += ch in "([{"
            depth -= ch in ")]}"
        return depth

    # checks

    def check_fetcher(self, name: str, declared: str, start: int, end: int) -> None:
        """A fetcher's ``@returns {Promise<T>}`` must be the response schema of the route it asks."""
        calls = list(re.finditer(r"(?<![\w$.])api\(", self.code[start:end]))
        for call in calls:
            at = start + call.end()
            literal = self.source[at : self.expression_end(at)].strip()
            path = _route_path(literal)
            route = self.route(path) if path else None
            if route is None:
                self.problem(at, f"{name}: api({literal}) asks no route of the API")
                continue
            content = self.types.openapi["paths"][route]["get"]["responses"]["200"]["content"]
            body = next(v for k, v in content.items() if k.startswith("application/json"))  # not its csv, xlsx
            wanted = str(self.types.of_schema(body["schema"]))
            if declared.removeprefix("Promise<").removesuffix(">") != wanted:
                self.problem(at, f"{name} is declared to return {declared}, but {route} answers {wanted}")

    def route(self, path: str) -> str | None:
        """The OpenAPI path a page's path asks: ``/cascade/{}`` is ``/cascade/{ref}``."""
        return next((r for r in self.types.openapi["paths"] if re.sub(r"\{\w+\}", "{}", r) == path), None)

    def check_untyped_fetches(self) -> None:
        for m in re.finditer(r"(?<![\w$.])api\(", self.code):
            if re.search(r"function\s+$", self.code[max(0, m.start() - 20) : m.start()]):
                continue  # the definition of api() itself
            if not any(s <= m.start() < e for s, e in self.fetchers.values()):
                self.problem(m.start(), "api() is called outside a fetcher with @returns {Promise<Answer>}")

    def check_reads(self) -> None:
        names = {b.name for b in self.bindings}
        pattern = ROOT + r"(" + "|".join(map(re.escape, sorted(names))) + r")\b(" + STEPS + ")"
        for m in re.finditer(pattern, self.code):
            if re.match(r"\s*(?:=(?!=)|=>)", self.code[m.end() :]) and not m[2]:
                continue  # a declaration or a parameter, not a read
            t = self.chain_type(m[1], m[2], m.start())
            if t is None or t.nullable:
                continue
            expr = m[0]
            before, after = self.code[max(0, m.start() - 4) : m.start()], self.code[m.end() : m.end() + 8]
            if before.endswith("arr(") and after.startswith(")") and t.kind == "array":
                self.problem(m.start(), f"arr({expr}): {expr} is {t}, always there; read it without arr()")
            if before.endswith("num(") and after.startswith(")") and t.kind == "prim" and t.name in ("integer",
                                                                                                       "number"):
                self.problem(m.start(), f"num({expr}): {expr} is a number, always there; read it without num()")
            if re.match(r"\s*\?\?", after) or re.match(r"\s*\|\|\s*(\{\}|\[\])", after):
                self.problem(m.start(), f"{expr} is {t}, never null: no default needed")


def _skip_space(code: str, pos: int) -> int:
    while pos < len(code) and code[pos].isspace():
        pos += 1
    return pos


def _names(params: str) -> list[str]:
    return [re.sub(r"\s*=.*$", "", p).strip() for p in _split_top(params, ",") if p.strip()]


def _steps(steps: str) -> Iterator[tuple[bool, str]]:
    for m in re.finditer(r"(\?)?\.?(\[[\w$]+\]|[\w$]+)", steps):
        yield bool(m[1]), "[]" if m[2].startswith("[") else m[2]


def _tags(doc: str) -> list[tuple[str, str, str]]:
    """(tag, type, name) of the @param, @type and @returns tags of one JSDoc comment."""
    found = []
    for m in re.finditer(r"@(param|type|returns?)\s*\{", doc):
        close = _closing_brace(doc, m.end() - 1)
        name = re.match(r"\s*([\w$]+)", doc[close + 1 :])
        tag = "returns" if m[1].startswith("return") else m[1]
        found.append((tag, doc[m.end() : close], name[1] if name and tag == "param" else ""))
    return found


def _typedefs(doc: str) -> list[tuple[str, list[tuple[str, str]]]]:
    m = re.search(r"@typedef\s*\{object\}\s*([\w$]+)", doc)
    if not m:
        return []
    props = []
    for p in re.finditer(r"@property\s*\{", doc):
        close = _closing_brace(doc, p.end() - 1)
        name = re.match(r"\s*([\w$]+)", doc[close + 1 :])
        if name:
            props.append((name[1], doc[p.end() : close]))
    return [(m[1], props)]


def _closing_brace(text: str, open_at: int) -> int:
    depth = 0
    for k in range(open_at, len(text)):
        depth += text[k] == "{"
        depth -= text[k] == "}"
        if depth == 0:
            return k
    raise ValueError(f"unclosed {{ in {text!r}")


def _route_path(literal: str) -> str | None:
    """The path a literal first argument of ``api()`` asks: ``"/search"``; a template's
    interpolations become ``{}``: ``\\`/cascade/${encodeURIComponent(ref)}\\``` → ``/cascade/{}``."""
    m = re.fullmatch(r"""(["'`])(/[^"'`]*)\1""", literal)
    return re.sub(r"\$\{[^}]*\}", "{}", m[2]) if m else None


def check(source: str, openapi: dict[str, Any]) -> Page:
    """Read the page's annotations, infer what follows, check every read. ``Page.problems`` lists
    what is wrong, ``Page.reads`` the (component, field) pairs the page was found to read."""
    page = Page(source, Types(openapi))
    page.read_annotations()
    page.infer()
    page.check_untyped_fetches()
    page.check_reads()
    return page
