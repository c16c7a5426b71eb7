"""dailypapers: a self-hostable daily research-papers platform."""

__version__ = "0.1.0"
