"""``python -m nto``: the same program as the ``nto`` console script."""

from nto.cli.main import main

raise SystemExit(main())
