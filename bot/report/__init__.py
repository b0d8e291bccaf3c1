"""The report stage: every sentence a reviewer or a terminal reads. Pure functions of values.

- `values`: what a report is about: `Report`, `Metadata`, `fingerprint`, `MARKER`.
- `markdown`: the pull request body, cut to fit GitHub's limit: `render_markdown`,
  `BODY_LIMIT`; built from
  - `summary`: the opening paragraph (`summary`, `where_names_live`),
  - `table`: the verification table (`table`, `check_name`, `observed`, `verdict`,
    `ordered`),
  - `lists`: the lists that may be cut (`lists`, `edit_lines`, `gap_lines`, `kept_lines`,
    `output_lines`),
  - `markup`: small Markdown pieces (`plural`, `code`, `cell`, `names`, `fold`, `fenced`).
- `text`: the report on a terminal: `render_text`.
- `json_doc`: the report as JSON for tools: `render_json`, `to_json`.
- `inventory`: what `unshim analyze` prints: `text`, `markdown`, `json_text`, `as_json`.
- `applied`: what `unshim apply` prints: `diff`, `check_lines`, `github`, `check_verdict`,
  `summary`, `reasons`, `next_step`, `nothing_to_do`.
- `apply_json`: `unshim apply --format json` (docs/apply.schema.json): `render`, `to_json`.
- `guard`: what `unshim check` prints: `text`, `github`, `ruff_table`.
- `workflow`: GitHub workflow commands: `annotation`, `escape`.
- `wording`: the bot's other text: `title`, `commit_message`, `branch_name`, `shim_list`,
  `HUMAN_COMMENT`, `CLOSE_COMMENT`.
"""
