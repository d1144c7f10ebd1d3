"""Pure-Python domain: cases, instruments, consent, eligibility, proposal, annex content (no Qt, no SQL)."""
