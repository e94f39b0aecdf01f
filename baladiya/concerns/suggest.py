"""The category suggestion model: TF-IDF character n-grams + a linear model, trained on history.

History is what agents decided: a concern's text → its final category (after any
recategorisation). Agents see the top three suggestions and always confirm; the model never
routes a concern by itself. The model file lives under ``var/`` (not in git) and is retrained
with ``manage.py train_concern_model``, which reports the top-3 accuracy by cross-validation.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from baladiya.cases.workflow import Kind, Status
from baladiya.concerns.models import Category, Concern

MIN_EXAMPLES = 10
# Concerns whose category an agent has settled: worked on, answered or closed.
SETTLED = (
    Status.IN_PROGRESS,
    Status.PLANNED,
    Status.RESOLVED,
    Status.NOT_OUR_RESPONSIBILITY,
    Status.CLOSED,
)


def model_path() -> Path:
    return Path(settings.BALADIYA_CONCERN_MODEL_PATH)


def history() -> tuple[list[str], list[str]]:
    """(texts, final category codes) of the concerns agents have settled."""
    rows = Concern.objects.filter(case__kind=Kind.CONCERN, case__status__in=SETTLED).values_list(
        "description", "category__code"
    )
    texts, labels = [], []
    for text, code in rows:
        texts.append(text)
        labels.append(code)
    return texts, labels


def curated() -> tuple[list[str], list[str]]:
    """The categories' curated synonyms, as extra examples: always learnt, never tested on."""
    texts, labels = [], []
    for code, synonyms in Category.objects.filter(is_active=True).values_list("code", "synonyms"):
        for line in synonyms.splitlines():
            if line.strip():
                texts.append(line.strip())
                labels.append(code)
    return texts, labels


def build_pipeline() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from baladiya.catalogue.text import normalise

    return make_pipeline(
        TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 4), preprocessor=normalise, sublinear_tf=True
        ),
        LogisticRegression(max_iter=2000, C=10.0),
    )


@dataclass(frozen=True)
class TrainingReport:
    examples: int
    categories: int
    top3_accuracy: float | None
    folds: int


def cross_validated_top3(
    texts: list[str],
    labels: list[str],
    folds: int = 5,
    extra: tuple[list[str], list[str]] = ([], []),
) -> tuple[float, int]:
    """Mean top-3 accuracy over stratified folds (fewer folds when a category is rare).

    ``extra`` examples (the curated synonyms) join every training fold and no test fold, so the
    figure measures what the model does on history it has not seen.
    """
    from collections import Counter

    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    smallest = min(Counter(labels).values())
    folds = max(2, min(folds, smallest))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    x, y = np.array(texts, dtype=object), np.array(labels)
    scores = []
    for train, test in splitter.split(x, y):
        pipeline = build_pipeline().fit(list(x[train]) + extra[0], list(y[train]) + extra[1])
        proba = pipeline.predict_proba(list(x[test]))
        classes = pipeline.classes_
        top = np.argsort(-proba, axis=1)[:, :3]
        hits = [y[test][i] in classes[top[i]] for i in range(len(test))]
        # (a category only among the extras still counts as a class the model may propose)
        scores.append(sum(hits) / len(hits))
    return float(sum(scores) / len(scores)), folds


def train(*, path: Path | None = None) -> TrainingReport:
    """Train on the history, report the top-3 cross-validated accuracy, save the model."""
    import joblib

    texts, labels = history()
    distinct = sorted(set(labels))
    if len(texts) < MIN_EXAMPLES or len(distinct) < 2:
        return TrainingReport(len(texts), len(distinct), None, 0)
    extra = curated()
    accuracy, folds = cross_validated_top3(texts, labels, extra=extra)
    pipeline = build_pipeline().fit(texts + extra[0], labels + extra[1])
    target = path or model_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(pipeline, target)
    _cache.clear()
    return TrainingReport(len(texts), len(distinct), accuracy, folds)


_cache: dict[str, Any] = {}


def _model() -> Any | None:
    import joblib

    path = model_path()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    cached = _cache.get("model")
    if cached is not None and cached[0] == mtime:
        return cached[1]
    with contextlib.suppress(Exception):
        model = joblib.load(path)
        _cache["model"] = (mtime, model)
        return model
    return None


@dataclass(frozen=True)
class Suggestion:
    category: Category
    probability: float


def top3(text: str) -> list[Suggestion]:
    """The three likeliest categories for ``text`` (empty without a trained model)."""
    model = _model()
    if model is None or not text.strip():
        return []
    proba = model.predict_proba([text])[0]
    ranked = sorted(zip(model.classes_, proba, strict=True), key=lambda p: -p[1])[:3]
    by_code = Category.objects.in_bulk([code for code, _p in ranked], field_name="code")
    return [Suggestion(by_code[code], float(p)) for code, p in ranked if code in by_code]
