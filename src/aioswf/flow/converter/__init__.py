"""How flow turns Python values into SWF payload strings and back.

A `DataConverter` is synchronous and pure: workflow code runs on a deterministic loop that may not do
I/O, so encoding happens at the call site (where a payload over SWF's limit can raise with its field),
and whatever needs I/O (a large-payload store) runs at the worker's edges, before and after a step.

A value travels in three steps: `DataConverter.unstructure` makes plain JSON data of it by its runtime
type (no hint needed), `DataConverter.dumps` makes text of that, and the codecs (compression, say) make
the payload. The way back runs the codecs in reverse, parses, and `DataConverter.structure` rebuilds the
type a hint names. The same value always gives the same text, in every process: mapping order is kept
(it is the user's), set members are sorted by their JSON text (their iteration order changes with the
process's hash seed), and nothing else depends on the process.

`data` holds `DataConverter` (the walk over values and hints), `_values` the leaves of that walk (single
types, and the words errors use), `codecs` the codecs.
"""

from aioswf.flow.converter.codecs import PayloadCodec, ZlibCodec
from aioswf.flow.converter.data import DataConverter

__all__ = ["DataConverter", "PayloadCodec", "ZlibCodec"]
