"""Find SQL handed to the database as a string built by formatting (f-strings, %, .format, +).

An AST walk rather than a regex: it sees a formatted string passed straight to execute / executemany /
copy / RawSQL / extra / raw, and a name that was assigned such a string earlier in the same function.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

SQL_CALLS = {"execute", "executemany", "copy", "raw", "extra", "RawSQL"}
# Upper-case SQL words in the literal parts of a formatted string mark it as SQL being composed.
SQL_WORDS = re.compile(r"\b(SELECT|INSERT INTO|UPDATE|DELETE FROM|WHERE|GROUP BY|ORDER BY|JOIN|COPY|VALUES)\b")


@dataclass(frozen=True)
class Finding:
    path: str
    function: str
    line: int
    call: str

    def __str__(self) -> str:
        what = "composes SQL" if self.call == "composed" else f"passes a formatted string to {self.call}()"
        return f"{self.path}:{self.line} {self.function}() {what}"


def _is_formatted(node: ast.AST) -> bool:
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return _is_stringy(node.left) or _is_stringy(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _is_stringy(node.func.value)
    return False


def _literal_text(node: ast.AST) -> str:
    return " ".join(n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str))


def _is_stringy(node: ast.AST) -> bool:
    return (isinstance(node, ast.Constant) and isinstance(node.value, str)) or isinstance(node, ast.JoinedStr) \
        or _is_formatted(node)


def _call_name(node: ast.Call) -> str | None:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    return name if name in SQL_CALLS else None


class _Visitor(ast.NodeVisitor):
    def __init__(self, path: str):
        self.path, self.findings, self.scopes = path, [], [("<module>", set())]

    def visit_FunctionDef(self, node):
        self.scopes.append((node.name, set()))
        self.generic_visit(node)
        self.scopes.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Assign(self, node):
        if _is_formatted(node.value):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.scopes[-1][1].add(target.id)
        self.generic_visit(node)

    def _composed(self, node) -> None:
        if _is_formatted(node) and SQL_WORDS.search(_literal_text(node)):
            self.findings.append(Finding(self.path, self.scopes[-1][0], node.lineno, "composed"))

    def visit_JoinedStr(self, node):
        self._composed(node)  # its parts are constants and expressions: nothing nested to visit for SQL

    def visit_BinOp(self, node):
        if _is_formatted(node):
            self._composed(node)
            return  # the outermost formatted expression stands for the whole
        self.generic_visit(node)

    def visit_Call(self, node):
        if isinstance(node.func, ast.Attribute) and node.func.attr == "format" and _is_formatted(node):
            self._composed(node)
        name = _call_name(node)
        args = [*node.args, *(k.value for k in node.keywords if k.arg in ("sql", "where", "select", "raw_query"))]
        if name:
            formatted_names = self.scopes[-1][1]
            for arg in args:
                values = arg.elts if isinstance(arg, (ast.List, ast.Tuple)) else [arg]
                for v in values:
                    if _is_formatted(v) or (isinstance(v, ast.Name) and v.id in formatted_names):
                        self.findings.append(Finding(self.path, self.scopes[-1][0], node.lineno, name))
        self.generic_visit(node)


def scan(root: Path, base: Path) -> list[Finding]:
    found: list[Finding] = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(base).as_posix()
        if "/tests/" in rel or "/migrations/" in rel:
            continue
        visitor = _Visitor(rel)
        visitor.visit(ast.parse(path.read_text(encoding="utf-8"), filename=rel))
        found.extend(visitor.findings)
    return found
