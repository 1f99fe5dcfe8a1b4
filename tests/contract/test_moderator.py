"""Contract of :class:`~instagram_core.ports.Moderator`, run against every adapter."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from instagram_adapters.memory.moderation import WordListModerator, default_blocked_words
from instagram_adapters.onnx import EXPLICIT_CLASSES, ModerationModelMissing, OnnxImageModerator
from instagram_adapters.onnx.image_moderator import UNREADABLE_REASON, explicit_verdict
from instagram_adapters.textmod.classifier import TextClassifierModerator
from instagram_adapters.textmod.corpus import LABELS, load_examples, split
from instagram_core.ports import ModerationVerdict, Moderator
from tests.support import jpeg_bytes, photo


@functools.cache
def _onnx_moderator() -> OnnxImageModerator:
    """One model load for the whole module (about 0.3 s each); the moderator is stateless."""
    return OnnxImageModerator()


def onnx_moderator() -> OnnxImageModerator:
    """The ONNX adapter, or a skip naming what is missing (CI installs the extra)."""
    try:
        return _onnx_moderator()
    except ModerationModelMissing as exc:
        pytest.skip(f"no image moderation here: {exc}")


@pytest.fixture(
    params=[
        pytest.param(WordListModerator, id="word-list"),
        pytest.param(TextClassifierModerator, id="text-classifier"),
        pytest.param(onnx_moderator, id="onnx-image"),
    ]
)
def moderator(request: pytest.FixtureRequest) -> Moderator:
    factory: Callable[[], Moderator] = request.param
    return factory()


def test_empty_text_is_allowed(moderator: Moderator) -> None:
    assert moderator.review_text("").allowed


def test_ordinary_text_is_allowed(moderator: Moderator) -> None:
    verdict = moderator.review_text("Sunset at the beach 🌅 #nofilter with @bob")
    assert verdict.allowed
    assert verdict.reason is None


def test_spam_is_refused_with_a_reason(moderator: Moderator) -> None:
    verdict = moderator.review_text("Want to BUY FOLLOWERS? DM me")
    assert not verdict.allowed
    assert verdict.reason


def test_an_ordinary_image_is_allowed(moderator: Moderator) -> None:
    verdict = moderator.review_image(jpeg_bytes(320, 240, (90, 140, 200)))
    assert verdict.allowed
    assert verdict.reason is None


def test_word_list_default_list_comes_from_the_data_file() -> None:
    words = default_blocked_words()
    assert "buy followers" in words
    assert all(word and not word.startswith("#") for word in words)


@pytest.mark.parametrize(
    "text",
    [
        "buy followers",
        "Buy   Followers now",
        "buyyyy followerssss",
        "b.u.y f-o-l-l-o-w-e-r-s",
        "fr33 f0llowers here",
        "ｂｕｙ ｆｏｌｌｏｗｅｒｓ",  # full-width letters, folded by NFKC
        "BUY FOLLOWERS!!!",
        "click my link 👉",
        "buy_followers",
        "buyfollowers",
    ],
)
def test_word_list_sees_through_simple_obfuscation(text: str) -> None:
    assert not WordListModerator().review_text(text).allowed


@pytest.mark.parametrize(
    "text",
    [
        "I would never buy these followers",
        "rebuy followers",  # not a whole word
        "buy followership books",
        "free",
        "click on my profile",
    ],
)
def test_word_list_matches_whole_words_only(text: str) -> None:
    assert WordListModerator().review_text(text).allowed


def test_word_list_takes_a_custom_list() -> None:
    moderator = WordListModerator(["Spoiler", "  "])
    assert not moderator.review_text("SPOILER: he dies").allowed
    assert moderator.review_text("buy followers").allowed


def test_word_list_letters_that_appear_twice_must_appear_twice() -> None:
    moderator = WordListModerator(["ass"])
    assert not moderator.review_text("what an a.s.s").allowed
    assert moderator.review_text("as I said, class was fun").allowed


def test_word_list_empty_list_allows_everything() -> None:
    assert WordListModerator([]).review_text("buy followers").allowed


@pytest.mark.timeout(5)
@pytest.mark.parametrize(
    "nasty",
    ["b." * 1100, "cl" + "|" * 2200, "buy " + "." * 2200 + "x", ("b" + "." * 20) * 100],
)
def test_word_list_does_not_backtrack_catastrophically(nasty: str) -> None:
    started = time.perf_counter()
    assert WordListModerator().review_text(nasty).allowed
    assert time.perf_counter() - started < 1.0  # about 50 ms for the worst of these


def test_word_list_allows_every_image_because_it_classifies_none() -> None:
    assert WordListModerator().review_image(b"\x89PNG whatever").allowed


# --- ONNX image moderator (NudeNet's detector) ---------------------------------------------

ORDINARY_PHOTOS = [
    "Canon_40D.jpg",
    "Nikon_D70.jpg",
    "gps_DSCN0010.jpg",
    "gps_DSCN0021.jpg",
    "gps_DSCN0042.jpg",
    "hdr_iphone_hdr_YES.jpg",
    "mobile_jolla.jpg",  # a leaf in close-up: the model's highest explicit score, about 0.15
    "orientation_landscape_1.jpg",
    "orientation_portrait_5.jpg",
    "tests_45-gps_ifd.jpg",
    "tiff_BSG1.tiff",
    "xmp_no_exif.jpg",
]


@pytest.mark.slow
def test_onnx_refuses_no_ordinary_photo_and_scores_each() -> None:
    moderator = onnx_moderator()
    for name in ORDINARY_PHOTOS:
        data = photo(name)
        scores = moderator.scores(data)
        assert scores, name  # the model ran and gave every candidate box's class a score
        assert all(0.0 <= score <= 1.0 for score in scores.values()), name
        assert max(scores.get(label, 0.0) for label in EXPLICIT_CLASSES) < 0.3, name
        assert moderator.review_image(data).allowed, name


def test_onnx_refuses_a_real_photo_when_a_detected_class_is_refused() -> None:
    """The refusal path end to end, on a photo whose face NudeNet detects at about 0.74."""
    face = photo("invalid_image00971.jpg")
    scores = onnx_moderator().scores(face)
    assert scores is not None
    assert scores["FACE_FEMALE"] > 0.6
    strict = OnnxImageModerator(threshold=0.6, refused_classes={"FACE_FEMALE"})
    verdict = strict.review_image(face)
    assert not verdict.allowed
    assert verdict.reason is not None
    assert "face female" in verdict.reason


def test_onnx_scores_match_the_nudenet_package() -> None:
    """Our Pillow and numpy preprocessing reproduces NudeNet's OpenCV pipeline."""
    nudenet = pytest.importorskip("nudenet", reason="the nudenet package is not installed")
    reference = nudenet.NudeDetector()
    for name in ("invalid_image00971.jpg", "xmp_no_exif.jpg"):
        data = photo(name)
        ours = onnx_moderator().scores(data)
        assert ours is not None
        detections = reference.detect(data)
        assert detections, name
        for detection in detections:
            assert ours[detection["class"]] >= detection["score"] - 0.02, name
        best = max(detections, key=lambda detection: detection["score"])
        assert ours[best["class"]] == pytest.approx(best["score"], abs=0.02), name


@pytest.mark.parametrize(
    ("scores", "refused_as"),
    [
        ({"FEMALE_BREAST_EXPOSED": 0.91, "FACE_FEMALE": 0.97}, "female breast exposed"),
        ({"BUTTOCKS_EXPOSED": 0.55, "MALE_GENITALIA_EXPOSED": 0.81}, "male genitalia exposed"),
        ({"ANUS_EXPOSED": 0.51}, "anus exposed"),
    ],
)
def test_explicit_verdict_refuses_an_explicit_class_above_the_threshold(
    scores: dict[str, float], refused_as: str
) -> None:
    verdict = explicit_verdict(scores, threshold=0.5)
    assert not verdict.allowed
    assert verdict.reason is not None
    assert refused_as in verdict.reason


@pytest.mark.parametrize(
    "scores",
    [
        {},
        {"FEMALE_BREAST_EXPOSED": 0.5},  # at the threshold is not above it
        {"FEMALE_GENITALIA_EXPOSED": 0.2, "FACE_MALE": 0.99},
        {"BELLY_EXPOSED": 0.95, "MALE_BREAST_EXPOSED": 0.9, "FEET_EXPOSED": 0.9},
        {"FEMALE_BREAST_COVERED": 0.99, "BUTTOCKS_COVERED": 0.99},
    ],
)
def test_explicit_verdict_allows_everything_else(scores: dict[str, float]) -> None:
    assert explicit_verdict(scores, threshold=0.5) == ModerationVerdict.allow()


def test_onnx_refuses_bytes_it_cannot_decode() -> None:
    verdict = onnx_moderator().review_image(b"\x89PNG whatever")
    assert verdict == ModerationVerdict(allowed=False, reason=UNREADABLE_REASON)


def test_onnx_text_goes_to_the_text_moderator_given() -> None:
    onnx_moderator()  # skips without the extra
    moderator = OnnxImageModerator(text_moderator=WordListModerator(["spoiler"]))
    assert not moderator.review_text("SPOILER: he dies").allowed
    assert moderator.review_text("buy followers").allowed


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"threshold": 0.0}, "threshold"),
        ({"threshold": 1.0}, "threshold"),
        ({"refused_classes": {"NAKED_ELBOW"}}, "NAKED_ELBOW"),
    ],
)
def test_onnx_rejects_bad_settings(kwargs: dict[str, object], message: str) -> None:
    onnx_moderator()
    with pytest.raises(ValueError, match=message):
        OnnxImageModerator(**kwargs)  # type: ignore[arg-type]


def test_onnx_says_what_to_install_when_the_model_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib.metadata

    def not_installed(name: str) -> importlib.metadata.Distribution:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", not_installed)
    with pytest.raises(ModerationModelMissing, match=r"instagram-backend\[moderation\]"):
        OnnxImageModerator()


def test_onnx_names_a_model_file_it_cannot_load(tmp_path: Path) -> None:
    pytest.importorskip("onnxruntime", reason="onnxruntime is not installed")
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not a model")
    with pytest.raises(ModerationModelMissing, match=r"broken\.onnx"):
        OnnxImageModerator(model_path=broken)


# --- Trained text classifier --------------------------------------------------------------


@functools.cache
def _text_moderator() -> TextClassifierModerator:
    return TextClassifierModerator()


def test_text_classifier_flags_held_out_spam_and_abuse_and_passes_normal_lines() -> None:
    """Lines of templates the shipped weights never saw (``corpus.split``, as train.py)."""
    _, held_out = split(load_examples())
    allowed: dict[str, list[bool]] = {label: [] for label in LABELS}
    for example in held_out:
        allowed[example.label].append(_text_moderator().review_text(example.text).allowed)
    assert sum(allowed["ok"]) / len(allowed["ok"]) >= 0.9
    assert allowed["spam"].count(False) / len(allowed["spam"]) >= 0.75
    assert allowed["abuse"].count(False) / len(allowed["abuse"]) >= 0.7


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Get 5k followers now at www.boost-me.biz", "spam"),
        ("Earn $700 weekly from home, message me", "spam"),
        ("Double your bitcoin in 24 hours, DM me", "spam"),
        ("you are a pathetic loser", "abusive"),
        ("Shut up, nobody asked, idiot", "abusive"),
    ],
)
def test_text_classifier_refuses_unseen_spam_and_abuse(text: str, reason: str) -> None:
    verdict = _text_moderator().review_text(text)
    assert not verdict.allowed
    assert verdict.reason is not None
    assert reason in verdict.reason


@pytest.mark.parametrize(
    "text",
    [
        "Lovely dinner with friends tonight",
        "I love this photo!",
        "nice",
        "lol",
        "ok",
        "Happy birthday @maria 🎂",
        "Can you DM me the recipe?",
        "Sunset at the beach 🌅 #nofilter with @bob",
    ],
)
def test_text_classifier_passes_ordinary_captions_and_comments(text: str) -> None:
    assert _text_moderator().review_text(text).allowed


def test_text_classifier_refuses_blocked_words_with_the_word_list_reason() -> None:
    verdict = _text_moderator().review_text("buy followers")
    assert verdict == WordListModerator().review_text("buy followers")


def test_text_classifier_rejects_a_threshold_outside_zero_to_one() -> None:
    with pytest.raises(ValueError, match="threshold"):
        TextClassifierModerator(threshold=0.0)


def test_text_corpus_holds_out_whole_templates_of_every_label() -> None:
    training, held_out = split(load_examples())
    assert not {e.group for e in training} & {e.group for e in held_out}
    for label in LABELS:
        held = sum(e.label == label for e in held_out)
        assert 0.1 < held / (held + sum(e.label == label for e in training)) < 0.3
