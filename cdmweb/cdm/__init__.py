"""Client for the Cloud Data Migration (CDM) REST API.

Pure Python on top of ``requests``: nothing here imports Django, so it can be used (and tested) without
settings, and a CDM sandbox server can reuse :mod:`cdmweb.cdm.signing` to check SDK-signed requests.
"""

from .auth import AkSkAuth, CdmAuth, PasswordAuth, TokenAuth, TokenCache
from .client import CdmClient, SubmissionSummary, submission_summaries, submission_summary
from .errors import (
    CdmAuthError,
    CdmBadResponse,
    CdmClientError,
    CdmConnectionError,
    CdmError,
    CdmNotFound,
    CdmServerError,
    CdmTimeout,
    CdmValidationError,
)

__all__ = [
    "AkSkAuth",
    "CdmAuth",
    "CdmAuthError",
    "CdmBadResponse",
    "CdmClient",
    "CdmClientError",
    "CdmConnectionError",
    "CdmError",
    "CdmNotFound",
    "CdmServerError",
    "CdmTimeout",
    "CdmValidationError",
    "PasswordAuth",
    "SubmissionSummary",
    "TokenAuth",
    "TokenCache",
    "submission_summaries",
    "submission_summary",
]
