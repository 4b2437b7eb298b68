"""Message classifier benchmark: held-out quality and latency on this machine.

Quality: a model with the committed artefact's settings is trained on the train split only (the committed
artefact saw every message) and scored on the grouped held-out split, as (subject, detail) pairs and as the single
free texts the API receives. Latency: the committed artefact, one message per call and a batch of 1,000.

    DJANGO_SETTINGS_MODULE=zhizheng.settings.test .venv/bin/python bench/classifier.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhizheng.settings.test")

import django
from _timing import p50_p95

django.setup()

from zhizheng.cityevents.classifier import classify, load_classifier  # noqa: E402
from zhizheng.cityevents.classifier import model as models  # noqa: E402
from zhizheng.cityevents.classifier.dataset import holdout_split, read_messages  # noqa: E402
from zhizheng.cityevents.classifier.evaluation import evaluate, scores  # noqa: E402


def main() -> None:
    artefact = load_classifier()
    print(f"artefact: {artefact.version} (final={artefact.manifest['final']})")
    messages = read_messages()
    train_rows, test_rows = holdout_split(messages, seed=int(artefact.manifest["seed"]))
    settings = models.Settings.from_dict({**artefact.manifest["settings"], "calibration_folds": 0})
    started = time.perf_counter()
    prepared = models.Prepared.from_pairs([(messages[i].subject, messages[i].detail) for i in train_rows])
    fitted = models.fit(prepared, [messages[i].category for i in train_rows], settings=settings)
    fitted.temperature = artefact.model.temperature  # fitted for the same settings on all messages
    print(f"trained on {len(train_rows)} messages in {time.perf_counter() - started:.1f} s")
    held_out = [messages[i] for i in test_rows]
    result = evaluate(fitted, held_out)
    overall = result["all"]
    macro_f1, accuracy = overall["macro_f1"], overall["accuracy"]
    print(f"held-out ({overall['count']} messages): macro-F1 {macro_f1:.4f}  accuracy {accuracy:.4f}")
    for part in ("with_detail", "subject_only", "with_detail_cut_to_subject"):
        row = result[part]
        print(f"  {part:28s} n={row['count']:5d}  macro-F1 {row['macro_f1']:.4f}  accuracy {row['accuracy']:.4f}")
    calibration = result["calibration"]
    print(
        f"  confidence: mean {calibration['mean_confidence']:.4f}, accuracy {calibration['accuracy']:.4f}, "
        f"expected calibration error {calibration['expected_calibration_error']:.4f} (the artefact's temperature)"
    )
    print("per-class F1: " + "  ".join(f"{k} {v['f1']:.4f}" for k, v in overall["per_class"].items()))

    # The API gets one free text per message; classify() splits it back into subject and detail.
    truth = [m.category for m in held_out]
    fitted_artefact = type(artefact)(path=artefact.path, model=fitted, manifest=artefact.manifest, metrics={})
    for name, join in (("subject + newline + detail", "\n"), ("subject + detail, no separator", "")):
        texts = [f"{m.subject}{join}{m.detail}" if m.detail else m.subject for m in held_out]
        predicted = [
            p.category
            for start in range(0, len(texts), 1000)
            for p in classify(texts[start : start + 1000], classifier=fitted_artefact)
        ]
        print(f"  as one text ({name}): macro-F1 {scores(truth, predicted, fitted.labels)['macro_f1']:.4f}")

    texts = [f"{m.subject}\n{m.detail}" if m.detail else m.subject for m in held_out]
    batch = (texts * (1000 // len(texts) + 1))[:1000]
    classify(batch[:1], classifier=artefact)
    calls = []
    for text in batch[:300]:
        started = time.perf_counter()
        classify([text], classifier=artefact)
        calls.append((time.perf_counter() - started) * 1000)
    single = sum(calls) / len(calls)
    p50, p95 = p50_p95(calls)
    started = time.perf_counter()
    classify(batch, classifier=artefact)
    whole = (time.perf_counter() - started) * 1000
    mean_length = sum(map(len, batch)) / len(batch)
    print(f"latency (committed artefact, {os.cpu_count()} CPUs, mean text {mean_length:.0f} characters):")
    print(f"  one message per call: {single:.2f} ms/message (p50 {p50:.2f}, p95 {p95:.2f})")
    print(f"  batch of 1,000: {whole:.0f} ms, {whole / 1000:.3f} ms/message, {1000 / whole * 1000:.0f} messages/s")


if __name__ == "__main__":
    main()
