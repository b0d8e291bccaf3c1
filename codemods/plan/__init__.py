"""The plan stage: which shim modules go, where each of their names is imported from now, and
which files the rewrite must read. Nothing is imported here.

- `values`: what the user asks for and what the rewrite and the deletion follow, as frozen
  values (`PlanRequest`, `RewritePlan`, `ShimModule`, `Target`, `FileTask`, `PatchTarget`),
  the error for a
  request that cannot be planned (`PlanError`), and `parse_move`, `DOTTED_NAME`. It does not
  import the analysis.
- `build`: the plan as a pure function of the analysis and the request (`build_plan`).
- `targets`: where a consumer should import a shim's names from now (`public_target`,
  `shim_module`).
- `deprecation_tests`: a shim's own tests, imports of it under a `with` that expects its
  warning, which keep the file and the shim (`warned_import_lines`, `own_tests`).
- `patches`: tests that patch names through a shim (`mock.patch`, `monkeypatch.setattr`):
  their targets follow the rewrite, or the shim's imports stay (`retarget`, `Retargeting`).
- `published`: why `--auto` keeps a public module of a distribution (`published`).

With `--resolve import` (`resolve = "import"`), the static plan is confirmed by importing:
- `confirm`: the plan `apply` follows, static or confirmed (`planned`).
- `questions`: what is asked of the import and its answers, as values (`questions`,
  `ShimQuestion`, `NameQuestion`, `Reply`, `to_json`, `reply_of`).
- `answers`: the answers applied to the plan (`apply_reply`).
- `unplaced`: requested `__getattr__` modules the static model cannot follow, planned with
  every name still to place (`split_request`, `with_forwarders`, `empty_plan`).
- `importer`: the one process it starts, with no credentials in its environment
  (`ImportSettings`, `run_probe`, `environment`); `probe`: the program that process runs.
"""
