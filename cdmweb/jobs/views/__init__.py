"""The jobs app's views, one module per screen family; ``cdmweb/jobs/urls.py`` maps them."""
