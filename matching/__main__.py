"""Entry point of ``python -m matching``."""

import os
import sys

from matching.cli import main

status = main(own_process=True)
# Ended here rather than by freeing a large scenario's million objects one by one (0.1 s of
# an allocation of 20,000 people): what is left to do is to flush what was written.
sys.stdout.flush()
sys.stderr.flush()
os._exit(status)
