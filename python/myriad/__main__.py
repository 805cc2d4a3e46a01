"""``python -m myriad ARGS`` runs the ``myriad`` command (see _cli.py)."""
import sys

from ._cli import main

sys.exit(main())
