"""``python -m aioswf.cli``: the ``aioswf`` command."""

import sys

from aioswf.cli.app import main

if __name__ == "__main__":
    sys.exit(main())
