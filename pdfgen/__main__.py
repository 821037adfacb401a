"""Allow `python -m pdfgen` as well as the `kneecard` script."""

from pdfgen.cli import main

main()
