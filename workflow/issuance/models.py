"""Number series and signing keys of issuing organisations.

Imported at the bottom of ``workflow.models`` so that Django finds them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from workflow.models import Organisation


class NumberSeries(models.Model):
    """The last number an organisation gave a kind of document in one year.

    Locked while numbering (``numbering.number_take``): the row is what makes
    the numbers gap-free under concurrency.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=30)
    year = models.PositiveSmallIntegerField(_("year"))
    last_value = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("number series")
        verbose_name_plural = _("number series")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "year"],
                name="workflow_numberseries_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.kind}/{self.year}: {self.last_value}"


class SigningKey(models.Model):
    """The embedded signing key of an organisation (Ed25519, self-signed).

    The private key is stored as encrypted PKCS#8 PEM (``signers``).
    """

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="signing_key"
    )
    private_key_pem = models.BinaryField(editable=False)
    certificate_pem = models.BinaryField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")

    def __str__(self) -> str:
        return f"{self.organisation}"
