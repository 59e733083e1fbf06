"""The gates dashboard: what the HTML pages need besides their templates and controller."""
