"""bot channel package."""
