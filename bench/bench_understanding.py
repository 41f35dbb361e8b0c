"""How long the conversation's decisions take: training, and one decision per message.

Run: `python bench/bench_understanding.py`. Prints training seconds per decision and the p50/p95 of
routing and handoff detection over the training texts (the path a turn takes: `proba_one`), against
sklearn's own `predict_proba` on the same model for comparison. Includes a 4,000-character message.
"""

from __future__ import annotations

import statistics
import time

from assistant.understanding.examples import DATA_DIR, load_examples
from assistant.understanding.models import (
    LearnedHandoffDetector,
    LearnedIntentRouter,
    _training_set,
    train,
)
from assistant.understanding.protocols import TurnSignals


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"p50 {statistics.median(ordered) * 1000:.3f} ms, p95 {p95 * 1000:.3f} ms"


def main() -> None:
    """Print the figures."""
    for decision in ("intents", "handoff"):
        started = time.perf_counter()
        model = train(decision, _training_set(decision, DATA_DIR))
        print(f"{decision}: trained in {time.perf_counter() - started:.2f} s")
    router = LearnedIntentRouter(train("intents", _training_set("intents", DATA_DIR)))
    detector = LearnedHandoffDetector(train("handoff", _training_set("handoff", DATA_DIR)))
    texts = [*[e.text for e in load_examples("intents")][:500], "je " * 1333, "a " * 2000]
    fast, slow, handoff = [], [], []
    for text in texts:
        t0 = time.perf_counter()
        router.route(text, TurnSignals())
        t1 = time.perf_counter()
        router.model.predict_proba([text], ["idle"])
        t2 = time.perf_counter()
        detector.detect(text, TurnSignals(previous_user_texts=(text,) * 4))
        t3 = time.perf_counter()
        fast.append(t1 - t0)
        slow.append(t2 - t1)
        handoff.append(t3 - t2)
    print(f"route (fast path): {_ms(fast)} over {len(texts)} messages")
    print(f"sklearn predict_proba, same model: {_ms(slow)}")
    print(f"handoff detect incl. repeat rule: {_ms(handoff)}")
    print(f"longest message: {max(fast + handoff) * 1000:.1f} ms")
    del model


if __name__ == "__main__":
    main()
