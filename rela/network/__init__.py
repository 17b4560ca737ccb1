"""Network inputs: the model (locations, graphs, FECs, changes) and the loaders.

>>> from rela.network import Graph
>>> sorted(Graph.from_paths([["a", "b"]]).paths())
[('a', 'b')]
"""

from __future__ import annotations

from rela.network.load import load_change, load_groups
from rela.network.model import (
    DROP,
    Change,
    Fec,
    Granularity,
    Graph,
    Location,
    TrafficKey,
)

__all__ = [
    "DROP",
    "Change",
    "Fec",
    "Granularity",
    "Graph",
    "Location",
    "TrafficKey",
    "load_change",
    "load_groups",
]
