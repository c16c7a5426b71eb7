"""Search: keyword (full text), semantic (embeddings + vector index), hybrid fusion, similar papers.

The one entry point other features call is :mod:`dailypapers.search.service`.
"""

# onnxruntime must be loaded before usearch: the other order segfaults on import (their bundled
# native libraries clash). Every search module imports this package first, so this holds.
import onnxruntime  # noqa: F401 - imported for the load order above
