"""The worker's child process: ``python -m perfscore.web.child IN OUT MIB`` (see :mod:`.worker`)."""

import sys

from .worker import child_main

if __name__ == "__main__":  # pragma: no cover - runs in the child
    child_main(sys.argv[1:])
