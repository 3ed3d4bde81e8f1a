from django.conf import settings


class UserLanguageMiddleware:
    """Pages speak zh-Hans until the user picks a language (the language cookie).

    A browser's Accept-Language is ignored for pages, so a fresh install is Chinese-first;
    API clients keep content negotiation (an English client gets English errors).
    Runs before LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/") and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            request.META["HTTP_ACCEPT_LANGUAGE"] = settings.LANGUAGE_CODE
        return self.get_response(request)
