"""The thin HTTP API: routers call query functions, nothing more."""
