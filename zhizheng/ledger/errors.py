"""The ledger's domain errors: stable codes, messages in English with Chinese translations."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhizheng.core.errors import BadRequest, Conflict, DomainError, NotFound, ServiceUnavailable, ValidationFailed


class InvalidParameter(BadRequest):
    code = "ledger.invalid_parameter"
    message = _("The parameter “%(name)s” must be a whole number from 0 up; got “%(value)s”.")


class MissingParameter(BadRequest):
    code = "ledger.missing_parameter"
    message = _("The parameter “%(name)s” is required.")


class InvalidBody(BadRequest):
    code = "ledger.invalid_body"
    message = _(
        "Send either JSON {“size”: tree size, “cosignature”: signature lines} or, as text/plain, the cosigned "
        "checkpoint note."
    )


class IndexOutOfRange(BadRequest):
    code = "ledger.index_out_of_range"
    message = _("Index %(index)s is not inside a tree of size %(size)s: the index must be smaller than the size.")


class SizeOutOfRange(BadRequest):
    code = "ledger.size_out_of_range"
    message = _("Tree size %(size)s is out of range: the log holds %(tree_size)s entries.")


class SizesOutOfOrder(BadRequest):
    code = "ledger.sizes_out_of_order"
    message = _("The first size (%(first)s) must not be larger than the second size (%(second)s).")


class EmptyTreeProof(BadRequest):
    code = "ledger.empty_tree_proof"
    message = _("A consistency proof must start from a tree of at least 1 entry; every log extends the empty tree.")


class EntryNotFound(NotFound):
    code = "ledger.entry_not_found"
    message = _("The ledger has no entry %(index)s.")


class CheckpointNotFound(NotFound):
    code = "ledger.checkpoint_not_found"
    message = _("No checkpoint of tree size %(size)s has been signed.")


class NoWitnessedCheckpoint(NotFound):
    code = "ledger.no_witnessed_checkpoint"
    message = _("No checkpoint has been cosigned by every required witness yet.")


class InvalidAct(ValidationFailed):
    code = "ledger.invalid_act"
    message = _("The act cannot be recorded: %(reason)s")


class SigningKeyMissing(ServiceUnavailable):
    code = "ledger.signing_key_missing"
    message = _(
        "The ledger signing key is not configured: set LEDGER_SIGNING_KEY, or create the file named by "
        "LEDGER_SIGNING_KEY_FILE (%(path)s) with “manage.py ledger_keygen”."
    )


class SigningKeyInvalid(ServiceUnavailable):
    code = "ledger.signing_key_invalid"
    message = _(
        "The ledger signing key in %(source)s cannot be used: %(reason)s. Fix LEDGER_SIGNING_KEY or %(source)s."
    )


class LogInconsistent(DomainError):
    code = "ledger.log_inconsistent"
    status = 500
    title = _("Ledger inconsistent")
    message = _("The ledger refused to sign: %(reason)s. An operator must run “manage.py ledger_audit”.")


class InvalidCosignature(ValidationFailed):
    code = "ledger.invalid_cosignature"
    message = _("The cosignature cannot be accepted: %(reason)s")


class UnknownWitness(ValidationFailed):
    code = "ledger.unknown_witness"
    message = _("No signature line comes from an active witness configured for this ledger.")


class CosignatureConflict(Conflict):
    code = "ledger.cosignature_conflict"
    message = _("The checkpoint text does not match checkpoint %(size)s of this ledger.")
