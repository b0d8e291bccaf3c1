"""The work tree as one thing a run holds and changes as a whole. Nothing is imported here.

- `place`: where a tree's lock and journal live (`state_dir`: its `.git` folder, else the tree
  root).
- `lock`: one unshim run per tree (`held`, `Holder`, `TreeBusy`), with `fcntl.flock`.
- `journal`: the record of an apply's writes, so an interrupted one is completed by the next
  run (`Journal`, `Entry`, `write`, `read`, `clear`).
- `faults`: the test hook that kills the process after its Nth file operation (`step`).
"""
