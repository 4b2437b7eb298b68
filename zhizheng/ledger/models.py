"""Storage of the transparency log: entries, complete subtree hashes, the tree head, checkpoints and witnesses.

Appends touch O(log n) rows: one entry, the subtrees it completes (two on average) and the single tree head row,
whose lock serialises appenders. Proofs read O(log n) subtree rows by primary key. Nothing ever rebuilds the tree
from all leaves except the audit (``manage.py ledger_audit``), whose job that is.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhizheng.ledger import merkle


class TreeHead(models.Model):
    """The one row holding the tree size and its right edge (frontier); appenders lock it (SELECT ... FOR UPDATE)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    size = models.BigIntegerField(_("tree size"), default=0)
    frontier = models.BinaryField(_("frontier hashes"), default=b"")
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("tree head")
        verbose_name_plural = _("tree heads")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="ledger_treehead_single_row"),
            models.CheckConstraint(condition=models.Q(size__gte=0), name="ledger_treehead_size_non_negative"),
        ]

    def __str__(self) -> str:
        return f"tree head: {self.size} entries"


class Entry(models.Model):
    """One official act. ``leaf`` is its public canonical form; ``payload``, ``salt`` and ``actor_ref`` are private.

    The public leaf can be re-derived from the other columns (see ``zhizheng.ledger.leaf``), which is how the audit
    notices an entry changed behind the log's back.
    """

    index = models.BigIntegerField(_("index"), primary_key=True, db_column="leaf_index")
    created_at = models.DateTimeField(_("recorded at"))
    act = models.CharField(_("act"), max_length=128)
    subject_type = models.CharField(_("subject type"), max_length=100)
    subject_id = models.CharField(_("subject id"), max_length=64)
    actor_ref = models.CharField(_("actor"), max_length=64)
    actor_disclosed = models.BooleanField(_("actor shown in the public leaf"), default=True)
    payload = models.JSONField(_("private payload"), default=dict)
    personal_fields = models.JSONField(_("personal fields"), default=list)
    salt = models.BinaryField(_("private salt"), max_length=32)
    leaf = models.BinaryField(_("public leaf"))
    leaf_hash = models.BinaryField(_("leaf hash"), max_length=32, db_index=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-index"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="ledger_entry_subject_idx")]
        constraints = [models.CheckConstraint(condition=models.Q(index__gte=0), name="ledger_entry_index_non_negative")]

    def __str__(self) -> str:
        return f"#{self.index} {self.act} {self.subject_type}:{self.subject_id}"


class TreeNode(models.Model):
    """Hash of one complete subtree ``(level, index)``, keyed by ``merkle.node_key``; written once, never changed."""

    key = models.BigIntegerField(_("node key"), primary_key=True)
    hash = models.BinaryField(_("hash"), max_length=32)

    class Meta:
        verbose_name = _("tree node")
        verbose_name_plural = _("tree nodes")
        ordering = ["key"]

    def __str__(self) -> str:
        level, index = merkle.key_node(self.key)
        return f"node ({level}, {index})"

    @property
    def level(self) -> int:
        return merkle.key_node(self.key)[0]

    @property
    def node_index(self) -> int:
        return merkle.key_node(self.key)[1]


class Checkpoint(models.Model):
    """A signed tree head: the C2SP checkpoint note for ``size`` signed by the log key (cosignatures are separate)."""

    size = models.BigIntegerField(_("tree size"), unique=True)
    root_hash = models.BinaryField(_("root hash"), max_length=32)
    note = models.TextField(_("signed note"))
    key_name = models.CharField(_("key name"), max_length=200)
    key_id = models.CharField(_("key id"), max_length=8)
    created_at = models.DateTimeField(_("signed at"))

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["-size"]
        constraints = [
            models.CheckConstraint(condition=models.Q(size__gte=0), name="ledger_checkpoint_size_non_negative")
        ]

    def __str__(self) -> str:
        return f"checkpoint {self.size}"


class Witness(models.Model):
    """An independent witness whose v1 cosignatures (key type 0x04) the log accepts; required ones form the quorum."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    verifier_key = models.CharField(
        _("verifier key"), max_length=300, help_text=_("name+keyid+base64 key with signature type 0x04")
    )
    url = models.URLField(_("web address"), blank=True)
    required = models.BooleanField(_("required"), default=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("witness")
        verbose_name_plural = _("witnesses")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from zhizheng.ledger import note

        try:
            verifier = note.Verifier.from_vkey(self.verifier_key)
        except note.NoteError as exc:
            raise ValidationError({"verifier_key": str(exc)}) from exc
        if verifier.sig_type != note.SIG_COSIGNATURE_V1:
            raise ValidationError({"verifier_key": _("A witness key must have signature type 0x04 (cosignature/v1).")})
        if verifier.name != self.name:
            raise ValidationError({"verifier_key": _("The key name must equal the witness name.")})


class Cosignature(models.Model):
    """A witness's verified cosignature over one checkpoint, kept as the signature line to append to the note."""

    checkpoint = models.ForeignKey(
        Checkpoint, on_delete=models.PROTECT, related_name="cosignatures", verbose_name=_("checkpoint")
    )
    witness = models.ForeignKey(
        Witness, on_delete=models.PROTECT, related_name="cosignatures", verbose_name=_("witness")
    )
    timestamp = models.BigIntegerField(_("cosigned at (POSIX time)"))
    line = models.TextField(_("signature line"))
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cosignature")
        verbose_name_plural = _("cosignatures")
        ordering = ["checkpoint", "witness__name"]
        constraints = [
            models.UniqueConstraint(fields=["checkpoint", "witness"], name="ledger_cosignature_once_per_witness")
        ]

    def __str__(self) -> str:
        return f"{self.witness_id} on {self.checkpoint_id}"
