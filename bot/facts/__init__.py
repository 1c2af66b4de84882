"""The fact base: sourced statements about the controversy, and their search."""
