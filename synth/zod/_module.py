"""Order compiled definitions and render them as one TypeScript module.

Definitions are ordered by Tarjan's strongly connected components (dependencies first). A
reference to a constant already defined is a plain identifier; a reference inside a cycle is
``z.lazy(() => X)``, and each member of a cycle gets a TypeScript type alias and the
annotation ``z.ZodType<X>``, since ``tsc --strict`` cannot infer a self-referential type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from synth.zod import _ts
from synth.zod._emitter import Definition, SchemaEmitter
from synth.zod._runtime import closure, render_helpers

__all__ = ["Rendered", "render_definitions", "render_imports"]

_PLACEHOLDER = re.compile("\x00(\\d+)\x00")
_TYPE_PLACEHOLDER = re.compile("\x01(\\d+)\x01")


@dataclass(frozen=True, slots=True)
class Rendered:
    """Declarations of a module body and the helpers they use."""

    body: str
    helpers: frozenset[str]


def _components(defs: list[Definition]) -> list[list[int]]:
    """Tarjan's SCCs, dependencies before dependants, deterministic."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    out: list[list[int]] = []
    counter = 0

    def visit(v: int) -> None:
        nonlocal counter
        # Iterative DFS (schemas can nest deeper than Python's recursion limit allows).
        work = [(v, iter(sorted(defs[v].deps)))]
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        while work:
            node, children = work[-1]
            advanced = False
            for w in children:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(defs[w].deps))))
                    advanced = True
                    break
                if w in on_stack:
                    low[node] = min(low[node], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == node:
                        break
                out.append(sorted(component))

    for d in defs:
        if d.index not in index:
            visit(d.index)
    return out


def render_definitions(emitter: SchemaEmitter) -> Rendered:
    """Compile everything pending and render the declarations in dependency order."""
    emitter.compile_all()
    defs = emitter.defs
    components = _components(defs)
    position: dict[int, int] = {}
    cyclic: set[int] = set()
    for i, component in enumerate(components):
        for member in component:
            position[member] = i
            if len(component) > 1 or member in defs[member].deps:
                cyclic.add(member)
    blocks = []
    for component in components:
        for i in component:
            blocks.append(_render_one(defs, i, position, cyclic))
    for name, code in emitter.ev_defs.values():
        body = _PLACEHOLDER.sub(lambda m: defs[int(m.group(1))].name, code)
        blocks.append(f"const {name}: Ev = {body};")
    return Rendered("\n\n".join(blocks), frozenset(emitter.helpers))


def _render_one(defs: list[Definition], i: int, position: dict[int, int], cyclic: set[int]) -> str:
    d = defs[i]
    assert d.expr is not None

    def ref(match: re.Match[str]) -> str:
        j = int(match.group(1))
        name = defs[j].name
        if position[j] < position[i]:
            return name
        return f"z.lazy(() => {name})"

    def type_ref(match: re.Match[str]) -> str:
        j = int(match.group(1))
        return defs[j].name if j in cyclic else f"z.output<typeof {defs[j].name}>"

    code = _PLACEHOLDER.sub(ref, d.expr.code)
    export = "export " if d.exported else ""
    doc = _ts.doc_comment(d.description)
    if i in cyclic:
        ts = _TYPE_PLACEHOLDER.sub(type_ref, d.expr.ts)
        return (
            f"{doc}{export}type {d.name} = {ts};\n"
            f"{export}const {d.name}: z.ZodType<{d.name}> = {code};"
        )
    lines = f"{doc}{export}const {d.name} = {code};"
    if d.exported:
        lines += f"\n{export}type {d.name} = z.output<typeof {d.name}>;"
        if ".default(" in code:
            # `{name}Input` may be another schema's name (Box has `TemplateSigner` and
            # `TemplateSignerInput`): the input type then takes the first free name after it.
            taken = {other.name for other in defs}
            input_name = f"{d.name}Input"
            while input_name in taken:
                input_name += "_"
            lines += f"\n{export}type {input_name} = z.input<typeof {d.name}>;"
    return lines


def render_imports(helpers: frozenset[str], runtime_module: str | None) -> str:
    """The import lines, sorted; helpers inlined when there is no runtime module."""
    lines = ['import { z } from "zod";']
    if helpers and runtime_module is not None:
        names = ", ".join(sorted(set(closure(set(helpers))) & set(helpers)))
        lines.append(f'import {{ {names} }} from "{runtime_module}";')
    out = "\n".join(lines)
    if helpers and runtime_module is None:
        out += "\n\n" + render_helpers(set(helpers), export=False)
    return out
