"""rmjournal: an encrypted local journal for reverse-mentoring pairs."""

__version__ = "0.1.0"
