"""Fixtures that start the offline replica of council sites and crawl it (filled in by the spine)."""
