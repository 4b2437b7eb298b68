"""Training end to end on a small subsample: split, fit, evaluate, save, load, classify; and the artefact checks."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from zhizheng.cityevents.classifier import CATEGORIES, ClassifierUnavailable, classify, load_classifier
from zhizheng.cityevents.classifier import artefact as artefacts
from zhizheng.cityevents.classifier.dataset import DEFAULT_DATA, file_sha256
from zhizheng.cityevents.classifier.training import train

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    output = tmp_path_factory.mktemp("artefacts")
    return train(output_dir=output, limit=500, cv_folds=2, seed=7, final=True)


def test_training_saves_a_versioned_artefact_with_metrics(small_run):
    path = small_run.artefact_path
    assert path.name.startswith("message-classifier-v")
    assert sorted(p.name for p in path.iterdir()) == ["manifest.json", "metrics.json", "vocabulary.json", "weights.npz"]
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["labels"] == sorted(CATEGORIES)
    assert manifest["final"] is True
    assert manifest["seed"] == 7
    assert manifest["data"]["sha256"] == file_sha256(DEFAULT_DATA)
    assert manifest["data"]["messages"] == 500
    assert manifest["data"]["train"] + manifest["data"]["held_out"] == 500
    assert set(manifest["libraries"]) == {"python", "scikit-learn", "numpy", "scipy", "rjieba"}
    metrics = json.loads((path / "metrics.json").read_text(encoding="utf-8"))
    assert metrics == small_run.metrics
    held_out = metrics["held_out"]["all"]
    assert held_out["count"] == manifest["data"]["held_out"]
    # 400 training messages already separate the categories far better than chance (1/7).
    assert 0.6 < held_out["macro_f1"] <= 1.0
    assert sum(map(sum, held_out["confusion"]["matrix"])) == held_out["count"]
    assert set(held_out["per_class"]) == set(CATEGORIES)
    calibration = metrics["held_out"]["calibration"]
    assert calibration["accuracy"] == held_out["accuracy"]
    assert 0 <= calibration["expected_calibration_error"] <= 1
    assert metrics["cross_validation"]["folds"] == 2
    assert metrics["latency"]["single_ms"] > 0
    assert 0 < metrics["latency"]["single_p50_ms"] <= metrics["latency"]["single_p95_ms"]


def test_saved_artefact_loads_and_classifies(small_run):
    loaded = load_classifier(small_run.artefact_path)
    assert load_classifier(small_run.artefact_path) is loaded  # once per process
    predictions = classify(["学校乱收费，每学期强制收取资料费", "公司拖欠工资三个月不发"], classifier=loaded)
    assert [p.category for p in predictions] == ["教育文体", "劳动和社会保障"]
    assert [p.department for p in predictions] == ["JYJ", "RSJ"]
    for prediction in predictions:
        assert 0 < prediction.confidence <= 1
        assert len(prediction.alternatives) == 2
        assert prediction.confidence >= prediction.alternatives[0].confidence >= prediction.alternatives[1].confidence
        assert prediction.category not in {a.category for a in prediction.alternatives}


def test_fast_features_equal_scikit_learn(small_run):
    from zhizheng.cityevents.classifier.features import tfidf_vectoriser

    model = load_classifier(small_run.artefact_path).model
    block = model.blocks["char"]
    reference = tfidf_vectoriser("char", ngram_max=3)
    reference.vocabulary = block.vocabulary
    reference.fit(["占位"])  # fixes the vocabulary; the IDF weights are replaced below
    reference.idf_ = block.idf
    documents = ["小区噪音扰民。晚上十点以后还在施工", "学校乱收费", "abc abc 公交"]
    expected = reference.transform(documents).toarray()
    from zhizheng.cityevents.classifier.features import stack

    assert np.allclose(stack([(block, documents, 1.0)]).toarray(), expected, atol=1e-6)


def test_newest_artefact_is_picked_from_a_directory(small_run, tmp_path):
    older = tmp_path / "message-classifier-v20200101-aaaaaaaaaa"
    older.mkdir()
    (older / "manifest.json").write_text(json.dumps({"created_at": "2020-01-01T00:00:00+00:00"}), encoding="utf-8")
    newer = tmp_path / small_run.artefact_path.name
    newer.mkdir()
    for item in small_run.artefact_path.iterdir():
        (newer / item.name).write_bytes(item.read_bytes())
    assert artefacts.resolve(tmp_path) == newer
    assert artefacts.load(tmp_path).path == newer


def test_default_artefact_follows_the_setting_and_is_loaded_once(small_run, settings):
    from zhizheng.cityevents.classifier import unload_classifiers, warm_up

    unload_classifiers()
    settings.MESSAGE_CLASSIFIER_ARTEFACT = str(small_run.artefact_path.parent)
    try:
        loaded = warm_up()
        assert loaded.path == small_run.artefact_path
        assert load_classifier() is loaded
        assert classify(["社保卡怎么办理"])[0].category == "劳动和社会保障"
    finally:
        unload_classifiers()


def _copy(source: Path, target: Path) -> Path:
    target.mkdir()
    for item in source.iterdir():
        (target / item.name).write_bytes(item.read_bytes())
    return target


def test_missing_directory_is_a_clear_error(tmp_path):
    with pytest.raises(ClassifierUnavailable) as caught:
        artefacts.load(tmp_path / "nowhere")
    assert caught.value.instance_code == "cityevents.classifier_unavailable"
    assert caught.value.status == 503
    assert "does not exist" in caught.value.detail_en


def test_empty_directory_says_how_to_train(tmp_path):
    with pytest.raises(ClassifierUnavailable) as caught:
        artefacts.load(tmp_path)
    assert "no model artefact" in caught.value.detail_en
    assert "train_message_classifier --final" in caught.value.detail_en


def test_tampered_weights_are_refused(small_run, tmp_path):
    copy = _copy(small_run.artefact_path, tmp_path / "message-classifier-v20990101-tampered")
    (copy / "weights.npz").write_bytes((copy / "weights.npz").read_bytes()[:-10] + b"0123456789")
    with pytest.raises(ClassifierUnavailable) as caught:
        artefacts.load(copy)
    assert "weights.npz missing or its SHA-256 differs from the manifest" in caught.value.detail_en


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"format_version": 99}, "format 99/"),
        ({"kind": "bert"}, "format 1/bert"),
        ({"labels": ["城乡建设", "航天"]}, "unknown labels"),
    ],
)
def test_incompatible_manifest_is_refused(small_run, tmp_path, change, reason):
    copy = _copy(small_run.artefact_path, tmp_path / "message-classifier-v20990101-changed")
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest.update(change)
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ClassifierUnavailable) as caught:
        artefacts.load(copy)
    assert reason in caught.value.detail_en
    assert "Retrain with manage.py train_message_classifier --final" in caught.value.detail_en


def test_command_trains_evaluates_and_saves(tmp_path):
    out = StringIO()
    call_command("train_message_classifier", "--limit", "300", "--cv", "0", "--output", str(tmp_path), stdout=out)
    text = out.getvalue()
    assert "held-out: macro-F1" in text
    assert "confusion matrix" in text
    assert "expected calibration error" in text
    assert "ms/message" in text
    saved = [p for p in tmp_path.iterdir() if p.name.startswith("message-classifier-v")]
    assert len(saved) == 1
    assert json.loads((saved[0] / "manifest.json").read_text(encoding="utf-8"))["final"] is False
    assert f"saved {saved[0]}" in text


def test_command_rejects_bad_arguments(tmp_path):
    with pytest.raises(CommandError, match="data file not found"):
        call_command("train_message_classifier", "--data", str(tmp_path / "none.csv"), "--output", str(tmp_path))
    with pytest.raises(CommandError, match="--limit must be at least 100"):
        call_command("train_message_classifier", "--limit", "10", "--output", str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_command_rejects_a_csv_without_the_columns(tmp_path):
    data = tmp_path / "bad.csv"
    data.write_text("title,label\n噪音,城乡建设\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing columns"):
        call_command("train_message_classifier", "--data", str(data), "--output", str(tmp_path / "out"))
