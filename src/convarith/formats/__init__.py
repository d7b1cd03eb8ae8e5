"""The format registry, and saving a figure in the format a path names."""
