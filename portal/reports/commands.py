"""Commands: `flask --app portal export`, `... import` and `... public-stats`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import access
from ..extensions import db
from ..localities import PHASES
from . import batch, bp, export, public


@bp.cli.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(export.FORMATS),
    default="datapackage",
    show_default=True,
    help="csv: findings.csv; json: findings.json; datapackage: datapackage.json and findings.csv.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write into (created if needed).",
)
def export_command(fmt: str, out: Path) -> None:
    """Export confirmed findings, pseudonymised and generalised, for publication."""
    access.record("export", detail=f"format={fmt} via=command")
    db.session.commit()
    try:
        paths = export.write(fmt, out)
    except OSError as e:
        raise click.ClickException(f"Could not write to {out}: {e.strerror or e}") from e
    for path in paths:
        click.echo(f"Wrote {path}")


@bp.cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--local-authority",
    "local_authority",
    metavar="NAME",
    help="Local authority of every form, by name or DfE code (e.g. Camden or 202).",
)
@click.option("--phase", type=click.Choice(list(PHASES)), help="School phase of every form.")
@click.option("--form-date", "form_date", metavar="YYYY-MM", help="Month every form was sent home.")
@click.option(
    "--evidence/--no-evidence",
    default=True,
    show_default=True,
    help="Keep the redacted results as campaign evidence (longer retention) or as ordinary uploads.",
)
def import_command(
    paths: tuple[Path, ...],
    local_authority: str | None,
    phase: str | None,
    form_date: str | None,
    evidence: bool,
) -> None:
    """Audit every file given (and every file in a folder, recursively), storing results as uploads do."""
    try:
        code = batch.resolve_local_authority(local_authority) if local_authority else None
        month = batch.parse_month(form_date) if form_date else None
    except ValueError as e:
        raise click.UsageError(str(e)) from e
    files, outcomes = batch.find_files(paths)
    if not files and not outcomes:
        raise click.UsageError("There are no files to import there.")
    with click.progressbar(
        batch.import_files(files, local_authority=code, phase=phase, form_month=month, evidence=evidence),
        length=len(files),
        label="Auditing forms",
        show_pos=True,
        file=sys.stderr,
    ) as bar:
        for outcome in bar:
            outcomes.append(outcome)
    counts = {
        r: sum(o.result == r for o in outcomes) for r in (batch.IMPORTED, batch.DUPLICATE, batch.FAILED)
    }
    click.echo(
        f"Imported {counts[batch.IMPORTED]}, already imported {counts[batch.DUPLICATE]}, "
        f"failed {counts[batch.FAILED]}."
    )
    failed = [o for o in outcomes if o.result == batch.FAILED]
    if failed:
        click.echo("These could not be read:")
        for o in failed:
            click.echo(f"  {o.path}: {o.message}")
        sys.exit(3)


@bp.cli.command("public-stats")
@click.argument("state", required=False, type=click.Choice(["on", "off"]))
def public_stats_command(state: str | None) -> None:
    """Switch the public statistics page on or off (without an argument, say which it is)."""
    if state is not None:
        public.switch(state == "on")
        access.record("setting", detail=f"public_statistics={state} via=command")
        db.session.commit()
    click.echo(f"Public statistics are {'on' if public.enabled() else 'off'}.")
