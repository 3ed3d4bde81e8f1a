from django.conf import settings
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from csp.decorators import csp_update
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

# Swagger UI's files come from its CDN (drf-spectacular's default); only the docs page may load them.
SWAGGER_CSP = {"script-src": ["https://cdn.jsdelivr.net"], "style-src": ["https://cdn.jsdelivr.net"],
               "img-src": ["https://cdn.jsdelivr.net"]}

urlpatterns = [
    path("api/v1/", include("huike.config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: the page needs no inline script under the CSP.
    path("api/docs/", csp_update(SWAGGER_CSP)(SpectacularSwaggerSplitView.as_view(url_name="schema")),
         name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", include("huike.config.web_urls")),
]
