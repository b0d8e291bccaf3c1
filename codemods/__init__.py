"""unshim's library: the module index and import graph, shim classification, canonical
resolution, the rewrite plan and its LibCST transformation, and dead-package proof.

Nothing here imports `bot`; the stages hand each other frozen dataclasses.
"""
