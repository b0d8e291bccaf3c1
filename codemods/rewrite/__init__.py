"""The rewrite stage: every import that goes through a shim or a moved module, pointed at where
its names live, byte for byte everywhere else. Nothing is imported here (LibCST loads only
when a file needs it).

Running it:
- `engine`: the only reader and writer of source files for `apply` (`Rewriter`,
  `rewrite_files`, `stage`, `commit`, `remove_strays`, `read_text`), with worker processes.
- `results`: a file's result as a value (`FileResult` = `Rewritten` | `Unchanged` | `Failed`).
- `transform`: one file's rewrite, from its import lines or its whole module (`FileRewrite`,
  `rewrite_source`, `rewrite_prepared`, `rewrite_import_lines`).
- `bowler_engine`: `--engine bowler`, the `--move` renames done by Bowler (`rewrite_files`,
  `require`, `BowlerMissing`).
- `custom`: a team's own LibCST codemods (`load_codemods`, `CodemodSpecError`).
- `patch`: the unified diff of a result (`unified_diff`).

Deciding:
- `decisions`: which shape decides each import statement (`decide`, `SHAPES`, `touches_plan`).
- `shapes/`: one module per import shape; see its docstring.
- `context`: what the shapes share for one file (`Context`, `Decisions`, `import_keys`,
  `rewritten`).
- `pieces`: the names a shape decided, grouped into statements (`statements_for`).
- `rebinding`: a module binding rebound or dissolved (`rebind`, `Piece`, `Binding`,
  `import_of`, `replace`).
- `bindings`: the uses of a name an import binds (`uses_of`, `Use`, `Uses`, `string_with`).
- `spelling`: how a new import is spelled (`spec_for`, `with_spec`, `alias_node`,
  `keep_items`, `dotted_expr`, `split_module`, `strip_paren_comment`, `is_pragma`).

What the decisions read, and carrying them out:
- `layout`: the file as the decisions see it (`FileView`, `Metadata` for a whole module,
  `Statements`, `Layout`, `WholeModuleNeeded`).
- `importlines`: the view of the import lines alone, and their splice back into the file
  (`ImportLinesView`, `view_of`, `splice`).
- `located`: a file read, split into lines and parsed by `ast` (`Prepared`, `prepare`,
  `Located`, `locate`).
- `astfacts`: what `ast` tells more cheaply than LibCST (`import_lines`, `bound_names`,
  `parse_or_none`, and for the uses of a module binding without scope analysis
  `name_facts`, `NameFacts`, `sole_module_binding`).
- `applier`: the LibCST transformer that carries out the decisions (`ApplyDecisions`).
"""
