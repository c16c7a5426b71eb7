"""A reader's library: collections of papers with notes (private or shared by address), their
export as BibTeX, RIS and CSL-JSON (also of one paper, a search or a feed), and the import of
what reference managers export (BibTeX, RIS, CSL-JSON, lists of arXiv ids) into a collection."""
