"""The jobs and links already on a target's clusters: the local copy, pulling, drift, links."""
