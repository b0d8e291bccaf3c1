"""One module per import shape, each with the decisions for that shape.

`codemods.rewrite.decisions` sends every import statement of a file to one of them (its
`SHAPES` table) and hands each the file's `codemods.rewrite.context.Context`:

- `from_import`: `from shim import X`, `from pkg import shim`, names of moved modules
  (`decide`, `alias_pieces`, `why_kept`).
- `module_import`: `import shim`, `import pkg.shim as s` and the attribute uses through them
  (`decide`).
- `star_import`: `from shim import *` (`decide`, `unbound`).
- `registration`: `from . import shim` in the parent package of a shim being deleted
  (`unregisters`, asked by `from_import`).
- `patch_target`: not an import: the string of a test's patch the plan retargets
  (`decide`, `dissolving`: a patched shim's alias is never dissolved).
- `all_entries`: the names `__all__` lists (`all_names`) and the entries of registrations
  that went (`without`, `drop_unregistered`).

Nothing is imported here, so that importing one shape does not load the others.
"""
