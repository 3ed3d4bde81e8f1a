from django.urls import path

from . import views

app_name = "recycle"
urlpatterns = [
    path("", views.index, name="index"),
    path("customers/<int:pk>/restore/", views.customer_restore, name="customer_restore"),
    path("customers/<int:pk>/purge/", views.customer_purge, name="customer_purge"),
    path("records/<int:pk>/restore/", views.record_restore, name="record_restore"),
    path("records/<int:pk>/purge/", views.record_purge, name="record_purge"),
]
