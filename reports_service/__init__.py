"""The reports service: HTTP API, dashboard and command line around the parser and the DB."""
