"""`questionnaire bundle merge` (typer sub-app registered by cli.py; prints and exits like cli.py).

Exit codes: 0 merged, 2 user error (a shard that does not verify, shards that do not belong together).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from questionnaire.cli_edge import edge, err

bundle_app = typer.Typer(
    name="bundle",
    help="Evidence bundles: merge the shard bundles of one organization run.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


@bundle_app.command("merge")
@edge
def merge_cmd(
    shards: list[Path] = typer.Argument(..., help="The bundles of `check --shard I/N`, one per shard.", show_default=False),
    output: Path = typer.Option(..., "-o", "--output", help="The merged bundle (.zip) to write.", show_default=False),
    key: Optional[Path] = typer.Option(None, "--key", help="Ed25519 public key (PEM) every shard must be signed with."),
    sign: Optional[Path] = typer.Option(None, "--sign", help="Ed25519 private key (PEM) to sign the merged bundle."),
) -> None:
    """Verify the shard bundles and merge them into one whose manifest covers every account; `verify` checks it.

    Exit 0 merged, 2 when a shard does not verify or the shards do not belong together.
    """
    from questionnaire.org.merge import merge_bundles

    r = merge_bundles(list(shards), output, key=key, sign_key=sign)
    err(f"merged {r.shards} shard bundles into {r.path}: {r.accounts} accounts, {r.findings} findings"
        + (f" ({r.renamed} raw responses two shards both recorded kept under -shard<I> names)" if r.renamed else ""))
