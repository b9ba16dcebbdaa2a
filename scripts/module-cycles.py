#!/usr/bin/env python3
"""Finds import cycles among the modules (files) of src/.

Every `crate::…`, `super::…` and `self::…` path a file names (in `use` lines, braces expanded,
and in code) is an arrow from that file to the file of the deepest module the path reaches. A
module's own `mod x;` line is not an arrow (declaring is not using); `partwatch::…` in
src/main.rs counts as `crate::…`; a path whose first name is a child module is relative. Strongly connected groups of more than one file are cycles:
each is printed with one loop through it, and the exit code is 1. `--graph` prints every arrow.
"""

import re
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def module_of(path: Path) -> tuple:
    rel = path.relative_to(SRC).with_suffix("")
    parts = list(rel.parts)
    if parts in (["lib"], ["main"]):
        return ()
    if parts[-1] == "mod":
        parts = parts[:-1]
    return tuple(parts)


def strip_comments_and_strings(text: str) -> str:
    """The code with comments removed and string and character literals emptied."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            i = text.find("\n", i)
            i = n if i < 0 else i
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif (m := re.match(r'b?r(#*)"', text[i:])) and not re.match(r"[A-Za-z0-9_]", text[i - 1 : i] or " "):
            end = text.find('"' + m.group(1), i + m.end())
            out.append('""')
            i = n if end < 0 else end + 1 + len(m.group(1))
        elif c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            out.append('""')
            i += 1
        elif c == "'" and (m := re.match(r"'(?:\\.[^']*|[^'\\])'", text[i:])):
            out.append("' '")
            i += m.end()
        else:
            out.append(c)
            i += 1
    return "".join(out)


def expand_use(tree: str) -> list:
    """`a::{b, c::{d, e as f}}` -> ['a::b', 'a::c::d', 'a::c::e']"""
    tree = re.sub(r"\s+as\s+[A-Za-z_][A-Za-z0-9_]*", "", tree)
    tree = re.sub(r"\s+", "", tree)
    out = []

    def walk(prefix: str, s: str):
        depth, start, items = 0, 0, []
        for i, ch in enumerate(s):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == "," and depth == 0:
                items.append(s[start:i])
                start = i + 1
        items.append(s[start:])
        for item in items:
            if not item:
                continue
            if "{" in item:
                head, rest = item.split("{", 1)
                walk(prefix + head, rest[: rest.rfind("}")])
            else:
                out.append(prefix + item)

    walk("", tree)
    return out


def inline_modules(text: str) -> list:
    """(start, end, name) of every inline `mod name { … }` block."""
    spans = []
    for m in re.finditer(r"\bmod\s+([A-Za-z_][A-Za-z0-9_]*)\s*\{", text):
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        spans.append((m.start(), i, m.group(1)))
    return spans


def inline_at(spans: list, pos: int) -> tuple:
    return tuple(name for (a, b, name) in spans if a <= pos < b)


def resolve(segments: list, here: tuple, modules: set):
    """The deepest known module a path starting at `segments` reaches, from module `here`."""
    if not segments:
        return None
    base = list(here)
    first = segments[0]
    if first in ("crate", "partwatch"):
        base, segments = [], segments[1:]
    elif first == "super":
        while segments and segments[0] == "super":
            base = base[:-1]
            segments = segments[1:]
    elif first == "self":
        segments = segments[1:]
    elif tuple(base + [first]) not in modules:
        return None  # another crate, or a name in scope
    best = tuple(base)
    cur = list(base)
    for seg in segments:
        cur.append(seg)
        if tuple(cur) in modules:
            best = tuple(cur)
        else:
            break
    return best


def main() -> int:
    files = sorted(SRC.rglob("*.rs"))
    modules = {module_of(f): f for f in files if f.name != "main.rs"}
    mods = set(modules)
    # `#[macro_export]` macros live at the crate root by name (`crate::db_query!`) but belong
    # to the file that defines them.
    exported = {}
    for f in files:
        for m in re.finditer(r"#\[macro_export\]\s*macro_rules!\s*([A-Za-z_][A-Za-z0-9_]*)", f.read_text()):
            exported[m.group(1)] = module_of(f)
    edges = {}
    for f in files:
        here = module_of(f)
        key = "main" if f.name == "main.rs" else here
        text = strip_comments_and_strings(f.read_text())
        inline = inline_modules(text)
        targets = set()
        for m in re.finditer(r"\buse\s+([^;]+);", text):
            at = here + inline_at(inline, m.start())
            for path in expand_use(m.group(1)):
                t = resolve(path.split("::"), at, mods)
                if t is not None:
                    targets.add(t)
        for m in re.finditer(r"(?<![A-Za-z0-9_:])([A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)+)", text):
            at = here + inline_at(inline, m.start())
            segments = m.group(1).split("::")
            if len(segments) == 2 and segments[0] in ("crate", "partwatch") and segments[1] in exported:
                targets.add(exported[segments[1]])
                continue
            t = resolve(segments, at, mods)
            if t is not None:
                targets.add(t)
        # An inline module (`mod tests { … }`) belongs to its file.
        targets = {t if t in mods else here for t in targets}
        targets.discard(key)
        edges[key] = targets

    if "--graph" in sys.argv:
        for k in sorted(edges, key=str):
            for t in sorted(edges[k], key=str):
                print(f"{fmt(k)} -> {fmt(t)}")

    # Tarjan's strongly connected components.
    index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            sccs.append(comp)

    sys.setrecursionlimit(10000)
    for v in list(edges):
        if v not in index:
            strong(v)
    cycles = [c for c in sccs if len(c) > 1]
    for comp in cycles:
        print("cycle among: " + ", ".join(sorted(fmt(c) for c in comp)))
        print("  e.g. " + " -> ".join(fmt(c) for c in loop_through(comp, edges)))
    if cycles:
        return 1
    print(f"no import cycles among {len(edges)} modules of src/")
    return 0


def loop_through(comp, edges):
    members = set(comp)
    start = sorted(comp, key=str)[0]
    # Breadth-first search back to start inside the component.
    prev, frontier = {start: None}, [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(edges.get(v, ()), key=str):
                if w not in members:
                    continue
                if w == start:
                    path = [v]
                    while prev[path[-1]] is not None:
                        path.append(prev[path[-1]])
                    return list(reversed(path)) + [start]
                if w not in prev:
                    prev[w] = v
                    nxt.append(w)
        frontier = nxt
    return [start]


def fmt(m):
    if m == "main":
        return "main.rs"
    return "::".join(m) if m else "lib.rs"


if __name__ == "__main__":
    sys.exit(main())
