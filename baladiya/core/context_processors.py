"""What every page of the shell needs: the language switcher and the text direction."""

from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language, get_language_bidi, get_language_info

LANGUAGE_NAMES = {"ar": "العربية", "fr": "Français", "en": "English", "kab": "Taqbaylit"}


@lru_cache(maxsize=4096)
def _language_links(path: str, current: str) -> tuple[tuple[str, str, str, bool], ...]:
    """(code, name, url, current) of every language; resolving and reversing the path four
    times is most of what the shell costs, and a site has few distinct paths read often."""
    return tuple(
        (
            code,
            LANGUAGE_NAMES.get(code, get_language_info(code)["name_local"]),
            translate_url(path, code),
            code == current,
        )
        for code, _name in settings.LANGUAGES
    )


def shell(request: HttpRequest) -> dict:
    current = get_language() or settings.LANGUAGE_CODE
    languages = [
        {"code": code, "name": name, "url": url, "current": is_current}
        for code, name, url, is_current in _language_links(request.get_full_path(), current)
    ]
    return {
        "LANGUAGE_CODE": current,
        "LANGUAGE_DIR": "rtl" if get_language_bidi() else "ltr",
        "shell_languages": languages,
    }
