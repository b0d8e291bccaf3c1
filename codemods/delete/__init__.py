"""The delete stage: remove a package only with proof that nothing outside it still names it.
Nothing is imported here.

- `proof`: what blocks a deletion and which files it takes, reading but never writing
  (`blocking_references`, `provable`, `Evidence`, `plan_files`, `FilePlan`,
  `package_folders`, `staying_file`, `kept_order`).
- `own_names`: imports that may reach a package by a shorter name once a folder above it is on
  `sys.path`, as vendored packages are, by code or a `.pth` file (`own_name_imports`,
  `shorter_names`, `pth_adds`).
- `siblings`: a module that builds a sibling's path from its own `__file__` (`sibling_lines`).
- `removal`: the only module that deletes files (`prove_and_delete`, `delete_dead`), the
  value they return (`DeletionResult`), and the same proof as a dry run for `analyze`
  (`proof_of`).
"""
