import pytest
from django.conf import settings


@pytest.fixture(autouse=True)
def english_pages(client):
    """Pages default to zh-Hans; these tests read the English msgids, as a user who picked English would."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
