"""The upload sweeper's settings: an age an upload in progress could reach is refused when
the process starts, not discovered at the first sweep."""

from __future__ import annotations

from datetime import timedelta

import pytest

from instagram_entrypoints.config import load_settings
from instagram_entrypoints.containers import settings_dict

ENV = {"INSTAGRAM_SECRET_KEY": "s" * 48}


@pytest.mark.parametrize("hours", ["0.25", "0.1", "0", "-24"])
def test_an_age_within_the_life_of_an_upload_url_is_refused(hours: str) -> None:
    with pytest.raises(ValueError, match=r"INSTAGRAM_ABANDONED_UPLOAD_HOURS must exceed 0\.25"):
        load_settings(environ={**ENV, "INSTAGRAM_ABANDONED_UPLOAD_HOURS": hours})


def test_a_negative_sweep_interval_is_refused() -> None:
    with pytest.raises(ValueError, match="INSTAGRAM_UPLOAD_SWEEP_SECONDS"):
        load_settings(environ={**ENV, "INSTAGRAM_UPLOAD_SWEEP_SECONDS": "-1"})


def test_the_settings_reach_the_sweeper_as_durations() -> None:
    settings = load_settings(
        environ={
            **ENV,
            "INSTAGRAM_ABANDONED_UPLOAD_HOURS": "48",
            "INSTAGRAM_UPLOAD_SWEEP_SECONDS": "600",
        }
    )
    flat = settings_dict(settings)
    assert flat["abandoned_upload_age"] == timedelta(hours=48)
    assert flat["upload_sweep_interval"] == timedelta(minutes=10)
    defaults = settings_dict(load_settings(environ=ENV))
    assert defaults["abandoned_upload_age"] == timedelta(hours=24)
    assert defaults["upload_sweep_interval"] == timedelta(hours=1)
