"""`python -m textnn.cli`: the `textnn` command."""

from textnn.cli import main

main()
