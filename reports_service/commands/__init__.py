"""One module per CLI command (imported lazily by ``reports_service.cli``)."""
