"""What every page of the shell needs: the language switcher and the text direction."""

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language, get_language_bidi, get_language_info

LANGUAGE_NAMES = {"ar": "العربية", "fr": "Français", "en": "English", "kab": "Taqbaylit"}


def shell(request: HttpRequest) -> dict:
    current = get_language() or settings.LANGUAGE_CODE
    path = request.get_full_path()
    languages = [
        {
            "code": code,
            "name": LANGUAGE_NAMES.get(code, get_language_info(code)["name_local"]),
            "url": translate_url(path, code),
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]
    return {
        "LANGUAGE_CODE": current,
        "LANGUAGE_DIR": "rtl" if get_language_bidi() else "ltr",
        "shell_languages": languages,
    }
