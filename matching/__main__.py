"""Entry point of ``python -m matching``."""

import sys

from matching.cli import main

sys.exit(main(own_process=True))
