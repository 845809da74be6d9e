"""Entry point of ``python -m matching``."""

import gc

# The modules live as long as the process: the collector need not walk what importing them
# makes (a tenth of the imports' time), before nor after.
gc.disable()

import os  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402

from matching.cli import main  # noqa: E402

gc.freeze()
gc.enable()
# Stopped (SIGTERM) as by an exit, so what the command holds is cleaned up: its temporary
# files. Its forked workers go back to the default and stop at once.
signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
status = main(own_process=True)
# Ended here rather than by freeing a large scenario's million objects one by one (0.1 s of
# an allocation of 20,000 people): what is left to do is to flush what was written.
sys.stdout.flush()
sys.stderr.flush()
os._exit(status)
