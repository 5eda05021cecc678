"""Commands: one module per sub-command (``register(subparsers)`` + a handler returning an exit code)."""
