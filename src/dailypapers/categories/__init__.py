"""Category pages: the arXiv taxonomy and the papers listed under one category."""
