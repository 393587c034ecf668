"""The ``nto`` / ``cluster-node-tuning-operator`` command line.

:mod:`nto.cli.main` assembles core commands (:mod:`nto.cli.commands`) and plugin commands (hook
``nto_cli_commands``) into one argparse program; :mod:`nto.cli.flags` holds the flag types that
accept the reference's spellings.
"""
