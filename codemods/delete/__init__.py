"""The delete stage: remove a package only with proof that nothing outside it still names it.
Nothing is imported here.

- `proof`: what blocks a deletion and which files it takes, reading but never writing
  (`blocking_references`, `provable`, `Evidence`, `plan_files`, `FilePlan`,
  `package_folders`, `staying_file`, `kept_order`).
- `removal`: the only module that deletes files (`prove_and_delete`, `delete_dead`), and the
  value they return (`DeletionResult`).
"""
