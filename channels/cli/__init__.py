"""The `wil-assistant` command line: serve, ingest, chat, liaison accounts, evals, exports."""

from __future__ import annotations

import importlib
import logging

import typer

from channels.cli import liaison_cmd, serve_cmd

app = typer.Typer(
    name="wil-assistant",
    help="Work-integrated learning assistant for a regional secretariat (EN/FR).",
    no_args_is_help=True,
    add_completion=False,
)
eval_app = typer.Typer(
    help="Score the assistant against the evaluation datasets.", no_args_is_help=True
)

serve_cmd.register(app)
liaison_cmd.register(app)

# Feature commands: each module adds its command(s) when that feature exists in this build.
_FEATURES = (
    ("channels.cli.ingest_cmd", "register", app),
    ("channels.cli.export_cmd", "register", app),
    ("channels.cli.chat_cmd", "register", app),
    ("channels.cli.eval_retrieval", "register_eval", eval_app),
    ("channels.cli.eval_answers", "register_eval", eval_app),
    ("channels.cli.eval_intake", "register_eval", eval_app),
    ("channels.cli.eval_handoff", "register_eval", eval_app),
    ("channels.cli.eval_understanding", "register_eval", eval_app),
)
_has_eval = False
for _module, _func, _target in _FEATURES:
    try:
        getattr(importlib.import_module(_module), _func)(_target)
    except ModuleNotFoundError as exc:
        if exc.name != _module:
            raise
        continue
    _has_eval = _has_eval or _target is eval_app
if _has_eval:
    app.add_typer(eval_app, name="eval")


def main() -> None:
    """Run the command line."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # Alembic narrates every migration at INFO; the CLI prints its own summary.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # Per-request HTTP client logs would drown the conversation in `chat --url`.
    for noisy in ("httpx", "httpcore", "bm25s"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    app()
