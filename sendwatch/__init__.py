"""sendwatch: English councils' SEND funding decisions, crawled, extracted and published."""

__version__ = "0.1.0"
