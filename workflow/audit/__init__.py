"""The tamper-evident audit trail.

Every history table of the project is a django-simple-history model built on
``AuditedHistoricalModel`` (``audited_history()`` for our models, ``register(...,
records_class=AuditedHistoricalRecords, bases=[AuditedHistoricalModel])`` for
someone else's, such as viewflow's Task). Its rows are chained per record: each
row's ``entry_hash`` is an HMAC-SHA256 over all of its columns, including the
``prev_hash`` of the row before it. The newest hash of every record is kept in
``workflow.AuditHead``, beside the records rather than on them, so that it
outlives a deleted record (a removed board member) and covers models that are
not ours; it is sealed with the same key, so that it cannot be wound back to an
earlier row. ``AuditedModel`` records also keep it in ``audit_head``. Editing,
inserting or deleting any row behind the app's back (the newest one included)
breaks the chain; ``verify_audit`` finds it and names the record.

Writes are stamped through ``audited_save`` / ``audited_delete``: the acting
user, the action code (stored in the ``transition`` column and labelled by
``workflow.timeline`` when read) and the reason the user typed, if any.

The package: ``tables`` (the base models and the check), ``hashing`` (the
canonical form of a row and its hash), ``chain`` (writing rows and heads),
``stamp`` (the audited save), ``verify`` (walking the chains).
"""

from workflow.audit.chain import chain_seal, connect_signals
from workflow.audit.hashing import GENESIS, entry_hash, head_seal
from workflow.audit.stamp import InvalidRecord, audited_delete, audited_save
from workflow.audit.tables import (
    AuditedHistoricalModel,
    AuditedHistoricalRecords,
    AuditedModel,
    AuditImmutableError,
    TransitionRecord,
    audited_history,
    audited_history_models,
    history_chained_check,
    history_models,
    unaudited_history_models,
)
from workflow.audit.verify import AuditProblem, verify_all, verify_model

__all__ = [
    "GENESIS",
    "AuditImmutableError",
    "AuditProblem",
    "AuditedHistoricalModel",
    "AuditedHistoricalRecords",
    "AuditedModel",
    "InvalidRecord",
    "TransitionRecord",
    "audited_delete",
    "audited_history",
    "audited_history_models",
    "audited_save",
    "chain_seal",
    "connect_signals",
    "entry_hash",
    "head_seal",
    "history_chained_check",
    "history_models",
    "unaudited_history_models",
    "verify_all",
    "verify_model",
]
