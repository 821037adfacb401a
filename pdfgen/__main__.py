"""Allow `python -m pdfgen` as well as the `kneecard` script."""

from pdfgen.cli import main

if __name__ == "__main__":  # worker processes (kneecard serve, batch) import the main module again: it must not run
    main()
