"""Reusable widgets: questionnaires drawn from instrument data, labelled fields with inline errors."""
