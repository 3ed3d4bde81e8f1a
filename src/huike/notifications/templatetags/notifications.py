from django import template

from ..selectors import unread_count

register = template.Library()


@register.inclusion_tag("notifications/_badge.html")
def notification_badge(user):
    return {"unread": unread_count(user) if user.is_authenticated else 0}
