"""The analyze stage: what the modules of an index are, and what references them. Pure
functions of the index; nothing is imported here.

- `analysis`: the whole analysis of a tree as one call (`analyze`, `analyze_index`,
  `Analysis`, `Verdicts`, `consumed_names`).
- `graph`: every import statement resolved to the modules and names it reaches (`ImportRef`,
  `all_refs`, `refs_of`, `stmt_refs`, `absolute_base`).
- `namespace`: what a module binds at its top level, as values (`Namespace`, and one binding
  per name: `Imported`, `Aliased`, `Defined`, `Conditional`; `Starred`, `Forwarder`).
- `evaluation`: the static evaluation of a module's top-level statements that builds it
  (`evaluate`, `Context`).
- `forwarders`: what a PEP 562 `__getattr__` returns, traced to modules, and which calls are
  deprecation notices (`trace_getattr`, `loaded_module`, `is_notice`, `Scope`).
- `resolve`: the module that really binds a name, followed only through shims (`Resolver`,
  `Origin`, `own_module`).
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
