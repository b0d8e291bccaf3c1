"""The plan stage: which shim modules go, where each of their names is imported from now, and
which files the rewrite must read. Nothing is imported here.

- `values`: what the user asks for and what the rewrite and the deletion follow, as frozen
  values (`PlanRequest`, `RewritePlan`, `ShimModule`, `Target`, `FileTask`), the error for a
  request that cannot be planned (`PlanError`), and `parse_move`, `DOTTED_NAME`. It does not
  import the analysis.
- `build`: the plan as a pure function of the analysis and the request (`build_plan`).
- `targets`: where a consumer should import a shim's names from now (`public_target`,
  `shim_module`).
"""
