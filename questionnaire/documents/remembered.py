"""The questions of a questionnaire file, found once and read back while the file's bytes are unchanged.

A sales engineer fills one questionnaire again and again while reviewing it. Where its questions
are (cells or table slots, options, answers already there, what writing needs of each cell) is a
pure function of the file's bytes, the ``--sheet/--question-col/...`` overrides, the shipped
vocabulary and this code: ``questions`` keeps the adapter's ``snapshot`` under a key of all of them
(``knowledge_cache``), so a second run does not parse and classify every row again. A changed file,
other overrides or another release find nothing and detect for real.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from questionnaire.documents.question import Question

KIND = "questions"


def questions(qfile, path: Path, overrides=None) -> list[Question]:
    """``qfile.questions()``, or the same questions remembered from an earlier run on these bytes."""
    from questionnaire import knowledge_cache as kc

    if kc.cache_dir() is None or not qfile.TARGETS:
        return qfile.questions()
    try:
        digest = hashlib.sha256(Path(path).read_bytes()).digest()
    except OSError:
        return qfile.questions()
    k = kc.key(KIND, qfile.kind, digest, repr(overrides), kc.data_fingerprint())
    known = kc.load(KIND, k)
    if known is not None:
        try:
            return qfile.restore(known)
        except (TypeError, ValueError, KeyError, IndexError):
            pass  # of another layout: detected again below
    found = qfile.questions()
    kc.store(KIND, k, qfile.snapshot(found))
    return found
