"""The analyze stage: what the modules of an index are, and what references them. Pure
functions of the index; nothing is imported here.

- `analysis`: the whole analysis of a tree as one call (`analyze`, `analyze_index`,
  `Analysis`, `Verdicts`, `consumed_names`).
- `graph`: every import statement resolved to the modules and names it reaches (`ImportRef`,
  `all_refs`, `refs_of`, `stmt_refs`, `absolute_base`).
- `resolve`: the module that really binds a name (`Resolver`, `Origin`).
- `shims`: a verdict per module: pure shim, impure, facade or not a shim (`classify`,
  `Verdict`, `Reexport`, `literal_all`, `PURE`, `IMPURE`, `FACADE`, `NOT_A_SHIM`).
- `effects`: whether importing a module does more than bind names (`side_effect_lines`).
- `references`: strings, configuration and prose that name a module (`Reference`,
  `code_references`, `text_references`, `attribute_references`, `reaches_below`,
  `blocking_reason`, `named_module`).
- `attributes`: modules reached as attributes of their package, `import pkg` then
  `pkg.shim.X` (`attribute_uses`).
- `inventory`: per package, its size, its importers and its verdict (`PackageReport`,
  `package_reports`, `grep_counts`, `grep_command`, `ACTIVE`, `DEAD`, `SHIM_LAYER`).
"""
