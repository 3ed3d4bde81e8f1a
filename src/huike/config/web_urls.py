"""All page routes."""
urlpatterns: list = []
