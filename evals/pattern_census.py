"""Count the hand-written phrase rules left in Python: compiled patterns, their alternatives, word lists.

The understanding issue asks that phrasings live in data the models learn from, and that Python keep
only exact rules. This census is how the closing note's before/after figures are measured:
`python -m evals.pattern_census [PATH ...]` (default: the `assistant` package).
"""

from __future__ import annotations

import ast
import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

_REGEX_CALLS = {
    "compile",
    "_rx",
    "rx",
    "search",
    "match",
    "fullmatch",
    "sub",
    "findall",
    "finditer",
}


@dataclass
class Census:
    """Totals over the files scanned, and the files that hold the most."""

    patterns: int = 0
    alternatives: int = 0
    word_lists: int = 0
    word_list_strings: int = 0
    by_file: dict[str, dict[str, int]] = field(default_factory=dict)


def _strings(node: ast.AST) -> list[str]:
    """Return the string constants in an expression (concatenations and implicit joins included)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _strings(node.left) + _strings(node.right)
    if isinstance(node, ast.JoinedStr):
        return [v.value for v in node.values if isinstance(v, ast.Constant)]
    return []


def _alternatives(pattern: str) -> int:
    return pattern.count("|") + 1


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def scan_file(path: Path) -> dict[str, int]:
    """Count one file's regex patterns, alternatives, and literal word lists (3+ strings)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    counts = {"patterns": 0, "alternatives": 0, "word_lists": 0, "word_list_strings": 0}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _call_name(node) in _REGEX_CALLS:
            is_re = (
                isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "re"
            ) or _call_name(node) in {"_rx", "rx"}
            if not is_re:
                continue
            parts = [
                s
                for arg in node.args[: (None if _call_name(node) in {"_rx", "rx"} else 1)]
                for s in _strings(arg)
            ]
            if not parts:
                continue
            counts["patterns"] += 1
            counts["alternatives"] += _alternatives("".join(parts))
        elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            items = node.elts
            if len(items) >= 3 and all(
                isinstance(e, ast.Constant) and isinstance(e.value, str) for e in items
            ):
                counts["word_lists"] += 1
                counts["word_list_strings"] += len(items)
    return counts


def census(paths: list[Path]) -> Census:
    """Scan every .py file under the paths."""
    result = Census()
    for root in paths:
        files = [root] if root.is_file() else sorted(root.rglob("*.py"))
        for path in files:
            if "migrations" in path.parts:
                continue
            counts = scan_file(path)
            if any(counts.values()):
                result.by_file[str(path)] = counts
            result.patterns += counts["patterns"]
            result.alternatives += counts["alternatives"]
            result.word_lists += counts["word_lists"]
            result.word_list_strings += counts["word_list_strings"]
    return result


def main(argv: list[str]) -> None:
    """Print the census of the given paths (default: assistant/) as JSON."""
    paths = [Path(a) for a in argv] or [Path("assistant")]
    result = census(paths)
    top = sorted(result.by_file.items(), key=lambda kv: -kv[1]["alternatives"])[:15]
    out = {k: v for k, v in asdict(result).items() if k != "by_file"}
    out["top_files"] = dict(top)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
