"""PDF output with ReportLab: the only package that imports it."""
