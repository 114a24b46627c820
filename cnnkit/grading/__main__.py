"""``python -m cnnkit.grading``: the grading command (see :mod:`cnnkit.grading.cli`)."""

import sys

from cnnkit.grading.cli import main

sys.exit(main())
