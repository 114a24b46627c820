"""``python -m cnnkit.grading``: the grading command (see :mod:`cnnkit.grading.batch.command`)."""

import sys

from cnnkit.grading.batch.command import main

sys.exit(main())
