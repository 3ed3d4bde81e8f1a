from django.db import models
from django.utils.translation import gettext_lazy as _


class Order(models.Model):
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="orders")
    date = models.DateField(_("order date"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    product = models.CharField(_("product/service"), max_length=200)
    category = models.CharField(_("category"), max_length=100, blank=True)
    due_date = models.DateField(_("invoice due date"), null=True, blank=True)
    paid_date = models.DateField(_("paid date"), null=True, blank=True)
    paid_amount = models.DecimalField(_("paid amount"), max_digits=14, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["customer", "date"]), models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.product} ¥{self.amount}"


class RenewalStatus(models.TextChoices):
    RENEWED = "renewed", _("Renewed")
    NOT_RENEWED = "not_renewed", _("Not renewed")
    PENDING = "pending", _("Pending")


class Contract(models.Model):
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="contracts")
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    renewal_status = models.CharField(
        _("renewal status"), max_length=12, choices=RenewalStatus.choices, default=RenewalStatus.PENDING
    )
    disputed = models.BooleanField(_("in dispute"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["customer", "end_date"])]

    def __str__(self) -> str:
        return f"{self.start_date}–{self.end_date} ¥{self.amount}"
