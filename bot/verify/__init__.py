"""The verify stage: checks that a change is safe, on the tree before it and the tree after.

- `run`: the only module that runs the target's commands: `run_checks` (every check, before
  and after), `verify_tree` (`unshim verify` on its own), `append_job_summary`, `run_command`.
- `snapshot`: the tree before, exported from git HEAD (`head_tree`, `export_head`) or linked
  to a clean work tree's files before the change replaces them (`linked_tree`); `is_git_tree`.
- `checks`: the verification's values and pure verdicts: `Verification`, `Check`, `Run`,
  `Counts`, `Gap`, and the failure kinds (`SHIM_STILL_IMPORTED`, …).
- `counts`: import counts of packages and why grep counts differently: `tree_counts` (all of
  them in one pass), `package_counts`, `grep_gaps`, and the gap reasons (`OWN`, `LOOKALIKE`, …).
- `compiled`: compileall's output by file (`said`), and the run after a change composed from
  the run before and a run over the files it touched (`recompiled`, `composed`).
- `compile_cache`: compileall's word on each file kept in the git folder, keyed by interpreter,
  environment, path and bytes: `load`, `save`, `Memo`.
- `subjects`: which packages are counted: `Trees`, `default_shims`, `canonical_of`,
  `check_shims`.
- `observed`: what changed between two analyzed trees, as an ApplyOutcome: `observed_outcome`,
  `import_edits`.

`checks`, `compiled`, `counts`, `subjects` and `observed` are pure; only `run` and `snapshot` start
processes; `compile_cache` reads files (and writes its own); the files grep reads are read by
`codemods.scan.grep_lines`.
"""
