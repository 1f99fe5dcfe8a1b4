"""``instagram train-ranker``: retrain the engagement model on simulated logs."""

from __future__ import annotations

import time
from pathlib import Path

import click

from instagram_adapters.ranking.defaults import DEFAULT_IMPRESSIONS, DEFAULT_SEED, MODEL_DIR


@click.command("train-ranker")
@click.option(
    "--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Makes runs repeatable."
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=MODEL_DIR,
    help="Directory for ranker.onnx, ranker.npz and metadata.json (default: the shipped model).",
)
@click.option(
    "--impressions",
    type=click.IntRange(min=1000),
    default=DEFAULT_IMPRESSIONS,
    show_default=True,
    help="Simulated impressions; a fifth (by viewer) is held out for the AUC report.",
)
@click.option(
    "--docs",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("docs/ranking.md"),
    show_default=True,
    help="Where to write the generated model page.",
)
def train_ranker_command(seed: int, out: Path, impressions: int, docs: Path) -> None:
    """Simulate engagement logs, train the multi-task model, export it and report its AUC.

    Needs the onnx package (to write the graph); the same seed rebuilds the same files."""
    try:
        import onnx  # noqa: F401

        from instagram_adapters.ranking.train import train_ranker
    except ImportError as exc:
        raise click.ClickException(f"training needs the onnx package ({exc})") from exc
    started = time.perf_counter()
    report = train_ranker(seed=seed, out_dir=out, impressions=impressions, docs_path=docs)
    elapsed = time.perf_counter() - started
    click.echo(
        f"trained on {report.train_rows:,} impressions, held out {report.held_out_rows:,} "
        f"in {elapsed:.1f} s; wrote {out} and {docs}"
    )
    rankers = list(report.auc)
    click.echo("AUC      " + "".join(f"{name:>14}" for name in rankers))
    for head in report.base_rates:
        click.echo(f"{head:<9}" + "".join(f"{report.auc[name][head]:>14.3f}" for name in rankers))
    if report.onnx_max_abs_diff is not None:
        click.echo(f"ONNX vs numpy, largest head difference: {report.onnx_max_abs_diff:.1e}")
