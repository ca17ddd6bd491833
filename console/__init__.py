"""console channel package."""
