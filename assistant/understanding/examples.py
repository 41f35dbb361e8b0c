"""Load the decisions' training examples (YAML under `data/`), and hash them for model caching."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Example:
    """One labelled message: its text, language, the conversation step, and the label."""

    text: str
    lang: str
    label: str
    step: str = "idle"
    detail: str | None = None
    source: str = ""
    previous: tuple[str, ...] = ()


def _files(decision: str, root: Path) -> list[Path]:
    folder = root / decision
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


# libyaml's loader reads the training data about eight times faster than the pure-Python one
# (every model fit and the eval read these files); the results are the same safe subset of YAML.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _examples(path: Path, label_key: str) -> list[Example]:
    raw: Any = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}  # noqa: S506
    out: list[Example] = []
    for item in raw.get("examples") or []:
        text = str(item.get("text") or "").strip()
        label = item.get(label_key)
        if not text or not label:
            raise ValueError(f"{path.name}: every example needs text and {label_key}: {item!r}")
        step = str(item.get("step") or "idle")
        if label_key == "field":
            # The field decision's context: the form's kind and the field it just asked.
            step = context(str(item.get("kind") or "employer"), item.get("asked"))
        out.append(
            Example(
                text=text,
                lang=str(item.get("lang") or "en"),
                label=str(label),
                step=step,
                detail=item.get("detail"),
                source=path.name,
                previous=tuple(str(p) for p in item.get("previous") or ()),
            )
        )
    return out


LABEL_KEYS = {"intents": "intent", "handoff": "reason", "fields": "field"}


def context(kind: str, asked: str | None) -> str:
    """Return the field decision's context: the form's kind and the field just asked (or none)."""
    return f"{kind}:{asked or 'none'}"


@cache
def load_examples(decision: str, root: Path = DATA_DIR) -> tuple[Example, ...]:
    """Return every example for a decision (`intents`, `handoff` or `fields`), files in name order.

    Intents are labelled by `intent`, handoff examples by `reason`, field examples by `field`
    (the field the message gives, or `none`) with the form's `kind` and the field `asked`.
    """
    key = LABEL_KEYS[decision]
    out: list[Example] = []
    for path in _files(decision, root):
        out.extend(_examples(path, key))
    if not out:
        raise FileNotFoundError(f"no training examples for {decision!r} under {root}")
    return tuple(out)


def data_hash(decision: str, root: Path = DATA_DIR) -> str:
    """Return a short hash of a decision's data files (the trained model's cache key)."""
    digest = hashlib.sha256()
    for path in _files(decision, root):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
