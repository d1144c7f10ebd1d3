"""CSTR Desk: court-day tool for Community Sentence Treatment Requirements."""

__version__ = "0.1.0"
