"""Importers of third-party data into gulag-kg: a small frame, and one module per data set.

The frame holds what every importer shares:

* :mod:`.reading`: strict CSV and JSON readers (records with file, line and locator; a bad
  record rejected by line, never merged with the next or dropped);
* :mod:`.core`: records, rejections, notices, anomalies, the :class:`~.core.Ledger` that accounts
  for every record and value (read = imported + skipped + rejected), the import's result;
* :mod:`.graph`: writing nodes with their provenance (import activity, data set, evidence into
  the record: an RFC 7111 row, an RFC 6901 pointer, the README's words);
* :mod:`.anomalies`: checks of figures and places (duplicates, outliers, years outside a life,
  swapped or far-off coordinates), flagged in the graph and the report, never "fixed";
* :mod:`.matching`: entity resolution against the article's places of detention, and the
  article's places a camp is located in;
* :mod:`.compare`: two releases of one source side by side;
* :mod:`.report`: the summary and the TSV reports; :mod:`.names`: names in two scripts.

A data set's module holds only what is particular to it: its files and fields (a
:class:`~.reading.Table` or :class:`~.reading.JsonField` list), how a record becomes rows (raising
:class:`~.core.Reject` for one it cannot take), and which nodes and claims the rows make through a
:class:`~.graph.Writer`: :mod:`.gulagmap2017` and :mod:`.gulagmap2018`, the two releases of the GULAG
History Museum's camp data, with :mod:`.gulagmap` for what they share (and the entry points
:func:`.gulagmap.import_gulagmap` and :func:`.gulagmap.import_releases`).
"""
