"""What the tests share: factories, stand-ins for providers, process helpers."""
