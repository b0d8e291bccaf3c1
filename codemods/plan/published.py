"""Public modules of a distribution stay under `--auto`.

A tree that builds or ships a distribution (`codemods.scan.distributions`) has users outside it:
a back-compat module that nothing in the tree imports any more (`sympy/polys/domainmatrix.py`,
`numpy/f2py/__version__.py`) is still what their code imports. `--auto` rewrites the tree's own
importers of such a module and keeps the module; whether a library drops a public module is
its maintainers' call, made by naming it (`--shim`, `--delete`), which works as before.
"""

from __future__ import annotations

from unshim.codemods.analyze.shims import Verdict
from unshim.codemods.outcome import Kept, Location
from unshim.codemods.scan.distributions import publisher
from unshim.codemods.scan.index import Index


def published(index: Index, verdict: Verdict) -> Kept | None:
    """Why `--auto` keeps this module, when a distribution of the tree publishes it."""
    distribution = publisher(index.tree.distributions, verdict.path)
    if distribution is None:
        return None
    return Kept(
        verdict.module,
        f"public module of distribution {distribution.label} ({distribution.evidence}): outside "
        "users may import it; --auto rewrites the tree's own imports of it but keeps the "
        "module (name it with --shim to remove it)",
        Location(verdict.path, 0),
    )
