"""Shared fixtures. Area-specific fixtures live in tests/plugin_*.py and are loaded here."""

pytest_plugins = [
    "tests.plugin_replica",
    "tests.plugin_browser",
]
