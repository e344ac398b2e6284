"""The national-scale benchmark: a synthetic nation, generated in bulk (issue 8)."""
