"""Sending drafts to CDM and following them, in layers that import one way only:

``targets`` (credentials, the CDM client for a target, its clusters) <- ``worker`` (one attempt
to send, under a lease, and one status poll; the only code that talks to CDM about a job) <-
``tasks`` (the background task wrappers, which chain the next poll) <- ``submitting`` (what pages
and commands call: check and record a submission, watch it, mend what a dead worker left).
"""
