"""``python -m nto``: the same program as the ``nto`` console script."""

from nto.cli.entry import main

raise SystemExit(main())
