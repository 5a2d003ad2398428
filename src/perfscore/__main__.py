"""``python -m perfscore``: the same as the ``perfscore`` command."""

import sys

from .cli import main

sys.exit(main())
