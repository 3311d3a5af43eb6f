"""`python -m rmjournal`: the same entry point as the `rmjournal` console script."""

from rmjournal.start import run

run()
