"""``python -m convarith``: the same as the ``convarith`` command."""

import sys

from convarith.cli import main

sys.exit(main())
