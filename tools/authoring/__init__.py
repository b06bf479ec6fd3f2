"""Authoring helpers: nbbuild (write a chapter notebook from Python), set_repository_url (python -m tools.authoring.set_repository_url)."""
