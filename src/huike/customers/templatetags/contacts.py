"""{{ customer|contact_phone:request.user }} and {{ customer|contact_email:request.user }}: full or masked (R-12.3)."""
from __future__ import annotations

from django import template

from huike.accounts.policies import can_see_contacts
from huike.core.templatetags.huike import phone as phone_display
from huike.customers.domain.masking import mask_email, mask_phone

register = template.Library()


@register.filter
def contact_phone(customer, user) -> str:
    if can_see_contacts(user, customer.owner_id):
        return phone_display(customer.phone)
    return mask_phone(customer.phone)


@register.filter
def contact_email(customer, user) -> str:
    return customer.email if can_see_contacts(user, customer.owner_id) else mask_email(customer.email)


@register.filter
def sees_contacts(customer, user) -> bool:
    return can_see_contacts(user, customer.owner_id)
