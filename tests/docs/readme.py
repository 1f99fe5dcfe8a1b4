"""The README's code blocks, by section: what the docs tests run.

``python -m tests.docs.readme SECTION OUT`` writes a section's Python block to OUT, for the
typecheck session to run ``mypy --strict`` on it.
"""

from __future__ import annotations

import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
LIBRARY_SECTION = "Use it as a library"


def section_text(section: str, readme: Path = README) -> str:
    """What lies under the ``## section`` heading, up to the next one."""
    return readme.read_text().split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]


def python_block(section: str, readme: Path = README) -> str:
    """The first ```python block of the section."""
    return section_text(section, readme).split("```python\n", 1)[1].split("```", 1)[0]


if __name__ == "__main__":
    Path(sys.argv[2]).write_text(python_block(sys.argv[1]))
