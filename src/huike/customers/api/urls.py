from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import CustomerViewSet

router = SimpleRouter()
router.register("customers", CustomerViewSet, basename="customer")
# export and merge (dataio) first: "customers/export/" must not reach the {id} route
urlpatterns = [path("", include("huike.dataio.api.customer_urls")), *router.urls]
