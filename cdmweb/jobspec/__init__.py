"""The pure core of a CDM job: build and parse it, validate it, diff it, mask its secrets.

Plain Python over plain data: no Django, no database, no network. The web app, the commands and
the embedded CDM sandbox all call it, so a rule written here holds everywhere at once. It reads
the connector catalogue (``cdmweb.catalog.registry``, itself pure) and nothing else of cdmweb.
"""
