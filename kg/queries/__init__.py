"""Named SPARQL queries (package data): one ``.rq`` file each, parameters in the comment header."""
