"""The README's "Use it as a library" block runs as written, in a fresh interpreter, and
passes ``mypy --strict`` (the typecheck session runs that half: see noxfile.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.docs.readme import LIBRARY_SECTION, python_block, section_text


def test_the_block_is_the_sections_only_python() -> None:
    assert section_text(LIBRARY_SECTION).count("```python") == 1


def test_the_library_block_runs_and_prints_the_published_post(tmp_path: Path) -> None:
    script = tmp_path / "library.py"
    script.write_text(python_block(LIBRARY_SECTION))
    # Run from an empty directory: only the installed package can be imported.
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "alice Sunset #nature published ['large_1080', 'medium_640', 'small_320', 'thumb_150']"
    ]
