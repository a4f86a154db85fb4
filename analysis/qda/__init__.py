"""Qualitative data exchange and coding statistics (issue 8), no Flask and no database.

`refi` writes and reads REFI-QDA 1.0 codebooks (.qdc) and projects (.qdpx); `agreement`
computes inter-coder agreement (Cohen's kappa and percent agreement per code).
"""

from analysis.qda.agreement import CodeAgreement, Kappa, agreement_by_code, cohen_kappa
from analysis.qda.refi import (
    QdaCase,
    QdaCode,
    QdaError,
    QdaNote,
    QdaProject,
    QdaSelection,
    QdaSource,
    QdaTooLarge,
    QdaUser,
    read_codebook,
    stable_guid,
    write_codebook,
    write_project,
    write_qdpx,
    xml_safe,
)

__all__ = [
    "CodeAgreement",
    "Kappa",
    "QdaCase",
    "QdaCode",
    "QdaError",
    "QdaNote",
    "QdaProject",
    "QdaSelection",
    "QdaSource",
    "QdaTooLarge",
    "QdaUser",
    "agreement_by_code",
    "cohen_kappa",
    "read_codebook",
    "stable_guid",
    "write_codebook",
    "write_project",
    "write_qdpx",
    "xml_safe",
]
