"""``manage.py train_message_classifier``: train, evaluate on a held-out split, save a versioned artefact."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhizheng.cityevents.classifier.dataset import DEFAULT_DATA
from zhizheng.cityevents.classifier.training import train


class Command(BaseCommand):
    help = (
        "Train the message classifier on the train split, print held-out macro-F1, per-class scores, the "
        "confusion matrix and latency, then (with --final) refit on all data; save a versioned artefact."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=42, help="seed of the split and folds (default 42)")
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="directory to save the artefact in (default: the MESSAGE_CLASSIFIER_ARTEFACT setting)",
        )
        parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="labelled CSV (subject, detail, category)")
        parser.add_argument("--final", action="store_true", help="refit on all data before saving")
        parser.add_argument("--cv", type=int, default=5, help="cross-validation folds, 0 to skip (default 5)")
        parser.add_argument("--limit", type=int, default=None, help="train on a stratified subsample of N messages")

    def handle(self, *args: Any, **options: Any) -> None:
        output = options["output"] or Path(settings.MESSAGE_CLASSIFIER_ARTEFACT)
        if not Path(options["data"]).is_file():
            raise CommandError(f"data file not found: {options['data']}")
        if options["limit"] is not None and options["limit"] < 100:
            raise CommandError("--limit must be at least 100 messages")
        try:
            run = train(
                data=options["data"],
                output_dir=output,
                seed=options["seed"],
                final=options["final"],
                cv_folds=options["cv"],
                limit=options["limit"],
                log=lambda line: self.stdout.write(line),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self._report(run.metrics)
        self.stdout.write(self.style.SUCCESS(f"saved {run.artefact_path}"))

    def _report(self, metrics: dict[str, Any]) -> None:
        held = metrics["held_out"]
        overall = held["all"]
        self.stdout.write(f"held-out: macro-F1 {overall['macro_f1']:.4f}  accuracy {overall['accuracy']:.4f}")
        for part in ("with_detail", "subject_only", "with_detail_cut_to_subject"):
            if part in held:
                self.stdout.write(f"  {part:28s} n={held[part]['count']:5d}  macro-F1 {held[part]['macro_f1']:.4f}")
        calibration = held["calibration"]
        self.stdout.write(
            f"  confidence: mean {calibration['mean_confidence']:.4f} against accuracy {calibration['accuracy']:.4f} "
            f"(expected calibration error {calibration['expected_calibration_error']:.4f})"
        )
        self.stdout.write(f"  {'category':10s} precision recall  f1     support")
        for label, row in overall["per_class"].items():
            self.stdout.write(
                f"  {label:10s} {row['precision']:.4f}    {row['recall']:.4f}  {row['f1']:.4f} {row['support']:5d}"
            )
        labels = overall["confusion"]["labels"]
        self.stdout.write("confusion matrix (rows: truth, columns: predicted): " + " ".join(labels))
        for label, counts in zip(labels, overall["confusion"]["matrix"], strict=True):
            self.stdout.write(f"  {label:10s} " + " ".join(f"{c:5d}" for c in counts))
        if "cross_validation" in metrics:
            cv = metrics["cross_validation"]
            f1 = cv["all"]["macro_f1"]
            self.stdout.write(f"{cv['folds']}-fold grouped CV: macro-F1 {f1['mean']:.4f} ± {f1['std']:.4f}")
        lat = metrics["latency"]
        self.stdout.write(
            f"latency: {lat['single_ms']:.2f} ms/message one at a time "
            f"(p50 {lat.get('single_p50_ms', 0):.2f}, p95 {lat.get('single_p95_ms', 0):.2f}), "
            f"{lat['batch_ms']:.3f} ms/message in a batch of {lat['batch_size']}"
        )
