from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OptionKind(models.TextChoices):
    INDUSTRY = "industry", _("Industry")
    SOURCE = "source", _("Source channel")
    LOST_REASON = "lost_reason", _("Churn reason")
    CUSTOMER_TYPE = "customer_type", _("Customer type")
    COMPANY_SIZE = "company_size", _("Company size")


class Option(models.Model):
    """Admin-editable choice lists (industries, source channels, churn reasons …)."""

    kind = models.CharField(max_length=20, choices=OptionKind.choices)
    key = models.SlugField(max_length=40)
    label_zh = models.CharField(max_length=60)
    label_en = models.CharField(max_length=60)
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "position", "key"]
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="option_kind_key_unique")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class TagSet(models.Model):
    name = models.CharField(max_length=60, unique=True)

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(max_length=30, unique=True)
    tag_set = models.ForeignKey(TagSet, null=True, blank=True, on_delete=models.SET_NULL, related_name="tags")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Kind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    INDIVIDUAL = "individual", _("Individual")


class Intent(models.TextChoices):
    HIGH = "high", _("High intent")
    MEDIUM = "medium", _("Medium intent")
    LOW = "low", _("Low intent")


class Stage(models.TextChoices):
    POTENTIAL = "potential", _("Potential")
    INTENT = "intent", _("Intent")
    CLOSED = "closed", _("Closed")
    LOST = "lost", _("Lost")


class ValueTier(models.TextChoices):
    HIGH = "high", _("High value")
    MEDIUM = "medium", _("Medium value")
    LOW = "low", _("Low value")


class ValueClass(models.TextChoices):
    STRATEGIC = "strategic", _("Strategic customer")
    KEY = "key", _("Key customer")
    NORMAL = "normal", _("Normal customer")


class RelationshipType(models.TextChoices):
    CHURN_RISK = "churn_risk", _("Churn risk")
    STRATEGIC = "strategic", _("Strategic partner")
    POTENTIAL = "potential", _("Potential to develop")
    STABLE = "stable", _("Stable")
    LOW_FREQUENCY = "low_frequency", _("Low frequency")
    UNCLASSIFIED = "unclassified", _("Unclassified")


class Customer(models.Model):
    # unique through Meta.constraints (customer_code_unique): a unique=True CharField would also get a second,
    # pattern-matching index on PostgreSQL that no query uses (ADR 0021)
    code = models.CharField(_("customer code"), max_length=20, editable=False)
    name = models.CharField(_("customer name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.ENTERPRISE)
    industry = models.CharField(_("industry"), max_length=40, blank=True)
    company_size = models.CharField(_("company size"), max_length=40, blank=True)
    customer_type = models.CharField(_("customer type"), max_length=40, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100)
    contact_title = models.CharField(_("contact title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)  # E.164
    email = models.EmailField(_("email"), max_length=254, blank=True)  # lower-cased
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    province = models.CharField(_("province"), max_length=30, blank=True)
    city = models.CharField(_("city"), max_length=30, blank=True)
    district = models.CharField(_("district"), max_length=30, blank=True)
    address = models.CharField(_("street address"), max_length=200, blank=True)
    source = models.CharField(_("source channel"), max_length=40, blank=True)
    first_contact_at = models.DateTimeField(_("first contact time"), null=True, blank=True)
    # no index of its own: every owner lookup is served by the indexes that lead with owner (Meta.indexes)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="customers",
        db_index=False,
    )
    demand = models.TextField(_("demand description"), max_length=2000, blank=True)
    budget = models.CharField(_("budget range"), max_length=60, blank=True)
    purchase_cycle = models.CharField(_("purchase cycle"), max_length=60, blank=True)
    intent = models.CharField(_("intent level"), max_length=10, choices=Intent.choices, default=Intent.MEDIUM)
    expected_close_date = models.DateField(_("expected close date"), null=True, blank=True)
    stage = models.CharField(_("funnel stage"), max_length=10, choices=Stage.choices, default=Stage.POTENTIAL)
    stage_changed_at = models.DateTimeField(null=True, blank=True)
    lost_reason = models.CharField(_("churn reason"), max_length=40, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="customers")
    remarks = models.TextField(_("remarks"), max_length=2000, blank=True)
    core_business = models.BooleanField(_("involves core business"), default=False)
    proactive_collaboration = models.BooleanField(_("proactively proposed collaboration"), default=False)
    new_demand = models.BooleanField(_("new product/service demand"), default=False)
    # Computed by services: cadence, classification, registration check.
    last_followup_at = models.DateTimeField(null=True, blank=True)
    # every due query is over live customers: reports_customer_due (reports migration 0003) and
    # (owner, next_followup_at) answer them; no index of its own (ADR 0021)
    next_followup_at = models.DateTimeField(_("next follow-up time"), null=True, blank=True)
    next_followup_reason = models.CharField(max_length=100, blank=True)
    registered_late = models.BooleanField(_("registered late"), default=False)
    # written by classification runs, a million at a time: in no index, so PostgreSQL rewrites the row in place
    # (customers migration 0012, ADR 0027)
    value_tier = models.CharField(_("value tier"), max_length=10, choices=ValueTier.choices, blank=True)
    value_class = models.CharField(_("value class"), max_length=10, choices=ValueClass.choices, blank=True)
    relationship_type = models.CharField(
        _("relationship type"), max_length=15, choices=RelationshipType.choices, blank=True
    )
    # the evidence, RFM scores and segment live in classification.Result (a narrow row per customer)
    search_text = models.TextField(default="", editable=False)
    # indexed through Meta.indexes (customer_name_key): db_index=True would also build a pattern-matching twin
    # on PostgreSQL that no query needs (ADR 0021)
    name_key = models.CharField(max_length=200, default="", editable=False)
    # not indexed: read by no query; only deleting a user looks customers up by it (ADR 0021)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        db_index=False,
    )
    # the live customers' indexes that lead with created_at (customer_live_list, reports_customer_book) answer
    # every order and range on it; no index of its own (ADR 0021)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # bumped by every edit through customer_update; a write naming an older version is refused
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="customer_code_unique"),
            models.UniqueConstraint(
                fields=["phone"], condition=~Q(phone="") & Q(deleted_at__isnull=True), name="customer_phone_unique"
            ),
            models.UniqueConstraint(
                fields=["email"], condition=~Q(email="") & Q(deleted_at__isnull=True), name="customer_email_unique"
            ),
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code="") & Q(deleted_at__isnull=True),
                name="customer_credit_code_unique",
            ),
        ]
        indexes = [
            # The list's covering indexes over live customers: counts, scopes, filters and the default order
            # are answered from these narrow entries instead of the wide rows (R-2.5 at 100,000+ customers).
            models.Index(fields=["-created_at", "-id", "owner", "stage", "intent", "industry", "deleted_at",
                                 "search_text"], condition=Q(deleted_at__isnull=True), name="customer_live_list"),
            # a rep's own customers: page in the default order, and count a search of any length from the
            # index entries alone (search_text covered) instead of looking up thousands of wide rows
            models.Index(fields=["owner", "deleted_at", "-created_at", "-id", "search_text"],
                         condition=Q(deleted_at__isnull=True), name="customer_live_owner_search"),
            # industry + stage is the list's most used filter pair: count from one index, and page
            # sorted by name (name, then newest id first: the list's tie-break) without sorting. deleted_at
            # comes last: PostgreSQL does not treat IS NULL as an equality, so before name it broke the order.
            models.Index(fields=["industry", "stage", "name", "-id", "deleted_at"],
                         condition=Q(deleted_at__isnull=True), name="customer_live_ind_stage_name"),
            models.Index(fields=["stage", "-created_at"]),
            models.Index(fields=["intent", "-created_at"]),
            models.Index(fields=["industry", "-created_at"]),
            models.Index(fields=["owner", "next_followup_at"]),
            # the duplicate scan looks the repeated names up by it (dataio/dedupe.py)
            models.Index(fields=["name_key"], name="customer_name_key"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return bool(self.next_followup_at and self.next_followup_at < timezone.now())


class StageChange(models.Model):
    """Each move between funnel stages, for time-in-stage (R-5.4) and the funnel report."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=10, blank=True)
    to_stage = models.CharField(max_length=10)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # The customer's narrow facts row (reports.CustomerFact, owner and deletion kept by triggers), joined on
    # the customer id without a column: the sales report scopes the closing moves through it.
    fact = models.ForeignObject("reports.CustomerFact", from_fields=["customer"], to_fields=["customer_id"],
                                on_delete=models.DO_NOTHING, related_name="+")

    class Meta:
        ordering = ["at", "id"]
