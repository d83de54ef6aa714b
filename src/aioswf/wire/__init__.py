"""The lean request path: SWF's JSON protocol spoken under botocore's generic pipeline.

`Connection` sends every operation either through the aiobotocore client's methods (the ``botocore``
path) or through `LeanTransport` (the ``lean`` path), which takes credentials, HTTP session, retry mode
and event hooks from that same client but serialises, signs and parses SWF's JSON itself. Choose with
``Connection(request_path=...)`` or the ``AIOSWF_REQUEST_PATH`` environment variable.
"""

from __future__ import annotations

import os

from aioswf.exceptions import ValidationError
from aioswf.wire.transport import LeanTransport, LeanTransportUnavailable

__all__ = [
    "DEFAULT_REQUEST_PATH",
    "REQUEST_PATHS",
    "REQUEST_PATH_ENV",
    "LeanTransport",
    "LeanTransportUnavailable",
    "resolve_request_path",
]

#: The request paths a `Connection` can take.
REQUEST_PATHS = ("lean", "botocore")
#: The environment variable that chooses the path when the `Connection` is not told.
REQUEST_PATH_ENV = "AIOSWF_REQUEST_PATH"
#: The path taken when neither the `Connection` nor the environment says (see docs/benchmarks.md).
DEFAULT_REQUEST_PATH = "lean"


def resolve_request_path(value: str | None) -> str:
    """The request path to take: `value`, else ``AIOSWF_REQUEST_PATH``, else `DEFAULT_REQUEST_PATH`.

    Args:
        value: ``"lean"``, ``"botocore"`` or None.

    Returns:
        ``"lean"`` or ``"botocore"``.

    Raises:
        ValidationError: When the value (given or from the environment) is neither.
    """
    argument = "request_path"
    if value is None:
        value = os.environ.get(REQUEST_PATH_ENV) or DEFAULT_REQUEST_PATH
        argument = REQUEST_PATH_ENV
    chosen = str(value).strip().lower()
    if chosen not in REQUEST_PATHS:
        raise ValidationError(
            f"{argument} must be 'lean' or 'botocore', got {value!r}",
            argument=argument,
            limit="'lean' or 'botocore'",
        )
    return chosen
