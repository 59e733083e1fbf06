"""One module per category; each exposes a pure ``extract_x(doc)``."""
