"""Orders and contracts: thin views over transactions.selectors and transactions.services."""
from __future__ import annotations

from django.db.models import Q

from huike.accounts import policies
from huike.core.api_views import ResourceViewSet, crud_schema, keep_customer
from huike.transactions import selectors, services
from huike.transactions.models import Contract, Order

from .filters import ContractFilter, OrderFilter
from .serializers import ContractInput, ContractOutput, OrderInput, OrderOutput


@crud_schema(tag="orders", input_serializer=OrderInput, output_serializer=OrderOutput)
class OrderViewSet(ResourceViewSet):
    """Orders (R-4) of the customers you can see; reps cannot delete."""

    queryset = Order.objects.none()
    input_serializer_class = OrderInput
    output_serializer_class = OrderOutput
    filterset_class = OrderFilter

    def select(self, params):
        qs = selectors.order_list(user=self.request.user, customer_id=params.get("customer"))
        if params.get("search"):
            qs = qs.filter(Q(product__icontains=params["search"]) | Q(category__icontains=params["search"]))
        if params.get("date_from"):
            qs = qs.filter(date__gte=params["date_from"])
        if params.get("date_to"):
            qs = qs.filter(date__lte=params["date_to"])
        return qs.order_by(params.get("ordering", "-date"), "-id")

    def fetch(self, pk):
        return policies.get_visible(self.request.user, selectors.order_list(user=self.request.user), pk, "customer__")

    def create_record(self, data):
        customer = data.pop("customer")
        return services.order_create(actor=self.request.user, customer=customer, data=data)

    def update_record(self, obj, data):
        return services.order_update(actor=self.request.user, order=obj, data=keep_customer(obj, data))

    def delete_record(self, obj):
        services.order_delete(actor=self.request.user, order=obj)


@crud_schema(tag="contracts", input_serializer=ContractInput, output_serializer=ContractOutput)
class ContractViewSet(ResourceViewSet):
    """Contracts (R-4) of the customers you can see; reps cannot delete."""

    queryset = Contract.objects.none()
    input_serializer_class = ContractInput
    output_serializer_class = ContractOutput
    filterset_class = ContractFilter

    def select(self, params):
        qs = selectors.contract_list(user=self.request.user, customer_id=params.get("customer"))
        if params.get("renewal_status"):
            qs = qs.filter(renewal_status=params["renewal_status"])
        if "disputed" in params:
            qs = qs.filter(disputed=params["disputed"])
        return qs.order_by(params.get("ordering", "-start_date"), "-id")

    def fetch(self, pk):
        return policies.get_visible(self.request.user, selectors.contract_list(user=self.request.user), pk, "customer__")

    def create_record(self, data):
        customer = data.pop("customer")
        return services.contract_create(actor=self.request.user, customer=customer, data=data)

    def update_record(self, obj, data):
        return services.contract_update(actor=self.request.user, contract=obj, data=keep_customer(obj, data))

    def delete_record(self, obj):
        services.contract_delete(actor=self.request.user, contract=obj)
