"""Team campaigns: `team` (roster, conditions, the lead's view), `assign`,
`assignments` and `flags`."""

from __future__ import annotations

from pathlib import Path

import click

from ..model import FIXED_SUGGESTION_MODES
from .common import db_option, json_option, out, print_json, project

ROLES = ("annotator", "curator")
FIXED_MODES = FIXED_SUGGESTION_MODES


@click.group()
def team() -> None:
    """Manage the project's roster, its members' conditions, and watch their progress."""


@team.command("add")
@db_option
@click.argument("names", nargs=-1, required=True)
@click.option(
    "--role",
    type=click.Choice(ROLES),
    default="annotator",
    show_default=True,
    help="Annotators get assignments; curators adjudicate.",
)
def team_add(db_path: Path, names: tuple[str, ...], role: str) -> None:
    """Put people on the roster. Names are trimmed; a re-spelling of an existing name is refused."""
    with project(db_path) as store:
        added = store.team.add(names, role)
    click.echo(f"added {', '.join(added)} as {role}{'s' if len(added) > 1 else ''}")


@team.command("list")
@db_option
@json_option
def team_list(db_path: Path, as_json: bool) -> None:
    """List the roster: name, role, whether active, and any fixed suggestion mode."""
    with project(db_path, readonly=True) as store:
        members = store.team.roster()
    if as_json:
        print_json([m.as_json() for m in members])
        return
    if not members:
        click.echo("the roster is empty: anyone may annotate (run 'annotator team add NAME...')")
    for m in members:
        mode = m.suggestions or "-"
        if m.suggestions == "random":
            mode += f" (share {m.share if m.share is not None else 0.5})"
        out.print(f"{m.name}\t{m.role}\t{'active' if m.active else 'retired'}\tsuggestions {mode}")


@team.command("retire")
@db_option
@click.argument("name")
def team_retire(db_path: Path, name: str) -> None:
    """Retire someone: their work stays, they get no new documents and cannot open the workspace."""
    with project(db_path) as store:
        store.team.retire(name.strip())
    click.echo(f"retired {name.strip()}; 'annotator assign --rebalance' moves their unstarted documents")


@team.command("set")
@db_option
@click.argument("name")
@click.option(
    "--suggestions",
    "mode",
    type=click.Choice(FIXED_MODES),
    required=True,
    help="Fix the annotator's suggestion mode in this project; random draws per sentence.",
)
@click.option(
    "--share",
    type=click.FloatRange(0, 1),
    default=None,
    help="With random: the chance each sentence shows its suggestions (default 0.5).",
)
def team_set(db_path: Path, name: str, mode: str, share: float | None) -> None:
    """Fix an annotator's experimental condition (her suggestion mode)."""
    if share is not None and mode != "random":
        raise click.UsageError("--share applies to --suggestions random only")
    with project(db_path) as store:
        store.team.set_condition(name.strip(), mode, share if mode == "random" else None)
    click.echo(f"{name.strip()} works with suggestions {mode}" + (f" (share {share})" if share is not None else ""))


@team.command("status")
@db_option
@json_option
def team_status(db_path: Path, as_json: bool) -> None:
    """Progress, time on task, speed and quality per annotator, and agreement per pair."""
    from ..team.status import team_status as compute

    with project(db_path, readonly=True) as store:
        status = compute(store)
    if as_json:
        print_json(status)
        return
    from rich.table import Table

    table = Table(
        "annotator",
        "documents",
        "sentences",
        "done",
        "skipped",
        "remaining",
        "active h",
        "per hour",
        "eta h",
        "flags",
        "gold",
        "last active",
        box=None,
    )
    for a in status["annotators"]:
        table.add_row(
            a["name"],
            str(a["assigned_documents"]),
            str(a["assigned_sentences"]),
            str(a["done"]),
            str(a["skipped"]),
            str(a["remaining"]),
            f"{a['active_seconds'] / 3600:.1f}",
            _num(a["sentences_per_hour"], 0),
            _num(None if a["eta_seconds"] is None else a["eta_seconds"] / 3600, 1),
            str(a["flags"]),
            _num(a["gold_check_agreement"], 3),
            a["last_active"] or "-",
        )
    out.print(table)
    pairs = Table("pair", "shared sentences", "token alpha", box=None)
    for p in status["pairs"]:
        pairs.add_row(" + ".join(p["annotators"]), str(p["shared_sentences"]), _num(p["token_alpha"], 3))
    out.print(pairs)


def _num(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


@click.command()
@db_option
@click.option("--per-item", "per_item", type=click.IntRange(min=1), required=True, help="Annotators per document (K).")
@click.option("--annotators", metavar="A,B,...", help="Only these roster annotators (default: every active one).")
@click.option(
    "--calibration",
    type=click.IntRange(min=0),
    default=0,
    help="N seeded documents everyone gets, first in their queue.",
)
@click.option(
    "--gold-checks",
    "gold_checks",
    type=click.IntRange(min=0),
    default=0,
    help="N adjudicated documents mixed blind into every queue.",
)
@click.option("--adaptive", is_flag=True, help="Bring in one more annotator where the first ones disagree.")
@click.option("--max", "maximum", type=click.IntRange(min=2), help="With --adaptive: at most M annotators a document.")
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    help="With --adaptive: the share of disagreeing sentences above which one more joins.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the calibration and gold-check picks.")
@click.option("--rebalance", is_flag=True, help="Redistribute the documents nobody has started.")
@json_option
def assign(
    db_path: Path,
    per_item: int,
    annotators: str | None,
    calibration: int,
    gold_checks: int,
    adaptive: bool,
    maximum: int | None,
    threshold: float | None,
    seed: int,
    rebalance: bool,
    as_json: bool,
) -> None:
    """Assign documents to the roster's annotators: K each, balanced loads and pairs.

    Re-running assigns only documents nobody has; existing assignments never move,
    except unstarted ones with --rebalance.
    """
    from ..team.campaign import assign as run

    if adaptive and (maximum is None or threshold is None):
        raise click.UsageError("--adaptive needs --max M and --threshold T")
    if not adaptive and (maximum is not None or threshold is not None):
        raise click.UsageError("--max and --threshold apply with --adaptive only")
    names = [n.strip() for n in annotators.split(",") if n.strip()] if annotators else None
    with project(db_path) as store:
        result = run(
            store,
            per_item=per_item,
            annotators=names,
            calibration=calibration,
            gold_checks=gold_checks,
            adaptive=(maximum, threshold) if adaptive else None,
            seed=seed,
            rebalance=rebalance,
        )
    if as_json:
        print_json(result.as_json())
        return
    click.echo(
        f"assigned {result.documents} document{'s' if result.documents != 1 else ''} "
        f"({result.rows} queue entries added, {len(result.plan.removed)} moved)"
    )


@click.command()
@db_option
@click.option("--annotator", "annotator", help="Only this annotator's queue, in her order.")
@json_option
def assignments(db_path: Path, annotator: str | None, as_json: bool) -> None:
    """List the assigned documents and who has each."""
    with project(db_path, readonly=True) as store:
        documents = _assignments(store, annotator.strip() if annotator else None)
    if as_json:
        print_json({"documents": documents})
        return
    for d in documents:
        marks = "".join((" calibration" if d["calibration"] else "", " gold-check" if d["gold_check"] else ""))
        out.print(f"{d['document_id']}\t{', '.join(d['annotators'])}{marks}")


def _assignments(store, annotator: str | None) -> list[dict]:
    from ..team.queue import queue_order

    rows = store.team.rows()
    found: dict[str, dict] = {}
    for r in rows:
        entry = found.setdefault(
            r.document_id, {"document_id": r.document_id, "annotators": [], "calibration": False, "gold_check": False}
        )
        entry["annotators"].append(r.annotator)
        entry["calibration"] |= r.calibration
        entry["gold_check"] |= r.gold_check
    for entry in found.values():
        entry["annotators"].sort()
    if annotator is not None:
        order, seed = store.annotations.annotator_order(annotator)
        entries = store.team.queue(annotator)
        scores = store.uncertainty.document_scores(e.document_id for e in entries) if order == "uncertain" else None
        ids = queue_order(entries, annotator, order or "document", seed, scores)
        return [found[d] for d in ids]
    sizes = {d: i for i, (d, _) in enumerate(store.team.document_sizes())} if found else {}
    return sorted(found.values(), key=lambda e: sizes.get(e["document_id"], 0))


@click.command()
@db_option
@json_option
def flags(db_path: Path, as_json: bool) -> None:
    """List the sentences annotators flagged, with their notes."""
    with project(db_path, readonly=True) as store:
        rows = [{"document_id": d, "sentence_index": i, "annotator": a, "note": n} for d, i, a, n in store.team.flags()]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        out.print(f"{row['document_id']}#{row['sentence_index']}\t{row['annotator']}\t{row['note'] or ''}")


def _add_link_command() -> None:
    # Kept in its own module (links.py): the server's tokens are not the roster's business.
    from .links import team_link

    team.add_command(team_link)


_add_link_command()
