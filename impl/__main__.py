"""`python -m sessim serve ...`: the `sessim` command, for where its script is not on PATH."""

from .cli import main

main()
