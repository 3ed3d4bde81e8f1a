from django.conf import settings
from django.db import models


class UserSession(models.Model):
    """Which session keys belong to which user, so logout and a password change can end them all
    (the database session table cannot be searched by user: its data is signed and encoded)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"session of user #{self.user_id}"
