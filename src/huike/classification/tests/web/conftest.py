import pytest
from django.conf import settings


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English so assertions read the msgids; one test switches to Chinese explicitly."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
