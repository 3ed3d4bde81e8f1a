from rest_framework.routers import SimpleRouter

from .views import ContractViewSet, OrderViewSet

router = SimpleRouter()
router.register("orders", OrderViewSet, basename="order")
router.register("contracts", ContractViewSet, basename="contract")
urlpatterns = router.urls
