"""The scan stage: every module of the tree read once, with what it imports (an `Index`).
Nothing is imported here (compiling the scanner's regular expressions costs about 0.1-0.3 s, and
a run whose files the cache answers for never imports the scanner).

The tree and the index:
- `sources`: the files of the tree (`discover`, `Tree`, `SourceFile`, `module_name`,
  `list_files`, `TreeError`).
- `distributions`: what the tree builds or ships, read from its listing and build files, and
  which distribution publishes a module (`Distribution`, `distributions`, `publisher`).
- `focus`: which files a job about some modules must read, decided from their bytes (`Focus`).
- `build`: the index of a tree, its grammar checked in worker processes meanwhile
  (`build_index`, `start_index`, `PendingIndex`, `Progress`).
- `assembly`: an index from its files' readings, and again without the files that do not
  parse (`assemble`, `check_grammar`, `without`, `readings_of`, `Reading`).
- `index`: the index as values (`Index`, `ModuleInfo`, `NotAnalyzed`, `module_info`).
- `reading`: one file read (`decode`, `read_facts`, `compile_check`, `compile_errors`,
  `read_data`, `read_unchecked`, `problem`, `Result`).
- `cache`: what earlier runs read of the same bytes, keyed by git blob id, the only reader and
  writer of the cache folder (`Cache`, `Entry`, `blob_id`, `default_dir`, `ENV_DIR`).

What a file says, and its `ast` reading:
- `facts`: the values (`Facts`, `ImportStmt`, `Alias`, `StringRef`, `Body`, `TopStatement`,
  `DOTTED`, `IMPORT_ERRORS`, `DYNAMIC_CALLS`, ...).
- `collector`: imports and dotted strings found by `ast` (`file_facts`, `parse`).
- `body`: the module body classified for shim detection (`module_body`).
- `nodes`: tests of `ast` nodes (`dotted_name`, `is_type_checking`, `catches_import_error`).
- `newer`: the Python 3.12 construct a file the running `ast` rejects uses, for the reason
  (`syntax_problem`, `newer_construct`, `NEWER_SYNTAX`); loads LibCST only for such a file.

The fast scanner, exact where it answers (checked against `collector` file by file):
- `scanner`: the reading (`scan`, `scan_file_bytes`, `decode_source`, `shim_candidate`,
  `top_level_definitions`).
- `lexer`: the regular expressions and how they are built (`LEXER`, `FAST`, the keyword sets).
- `lines`: the recorded lines of a text and which are kept (`Line`, `normalize`, `lex`,
  `watched_lines`, `recorded_lines`).
- `import_lines`: import lines of the usual shapes read exactly (`parse_import`).
- `blocks`: what indentation says about the recorded lines (`Blocks`, `Context`).
- `reduction`: the reduced source `ast` reads in place of the file (`reduced_source`).
"""
