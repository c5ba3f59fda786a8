"""kg: a knowledge graph of research papers, methods, tasks, datasets, metrics and claims.

The data flow, one module a step::

    ingest -> extract -> link -> rdf -> query / analyze / render / export

``kg.pipeline.build`` runs the whole chain; the CLI (``kg``) is a thin layer over it.
"""

__version__ = "0.1.0"
