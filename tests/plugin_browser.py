"""Fixtures for browser tests (Playwright + Debian Chromium)."""
