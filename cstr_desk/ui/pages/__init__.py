"""The wizard's pages, one court-day step each."""
