"""Languages: Japanese by default, English selectable and remembered per user."""

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask, current_app, session
from flask_babel import Babel, get_locale, gettext, lazy_gettext
from flask_login import current_user

from audit.domain import fiscal_year

babel = Babel()
_ = gettext
_l = lazy_gettext


def select_locale() -> str:
    """The user's choice, else the choice made before logging in, else Japanese.

    The browser's Accept-Language is not consulted: the product is Japanese by default.
    """
    languages = current_app.config["LANGUAGES"]
    if current_user.is_authenticated and current_user.locale in languages:
        return str(current_user.locale)
    if session.get("locale") in languages:
        return str(session["locale"])
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def city_today() -> date:
    """Today in the city's time zone (a server keeping UTC is a day behind until 09:00 JST)."""
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def fiscal_year_label(year: int) -> str:
    """令和4年度 (FY2022) in Japanese, FY2022 (Reiwa 4) in English."""
    return fiscal_year.label(year, str(get_locale()))


def localized(row: object, name: str) -> str:
    """A bilingual column pair (``name_ja``/``name_en``) in the current language."""
    english = getattr(row, f"{name}_en", "")
    if str(get_locale()) == "en" and english:
        return str(english)
    return str(getattr(row, f"{name}_ja"))


def check_catalogs(app: Flask) -> None:
    """Refuse to start without the default language's compiled catalog.

    Flask-Babel would fall back to the English source strings without a word, under
    ``<html lang="ja">``: an install that forgot the catalogs must fail where it is made.
    """
    locale = app.config["BABEL_DEFAULT_LOCALE"]
    if locale == "en":
        return
    folders = app.config.get("BABEL_TRANSLATION_DIRECTORIES", "translations").split(";")
    catalogs = [
        Path(app.root_path, folder, locale, "LC_MESSAGES", "messages.mo") for folder in folders
    ]
    if not any(path.is_file() for path in catalogs):
        raise RuntimeError(
            f"The {locale} message catalog is missing ({catalogs[0]}): in a checkout run "
            "`make translations`; an installed package carries it, so reinstall it."
        )


def init_app(app: Flask) -> None:
    check_catalogs(app)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals.update(
        fiscal_year_label=fiscal_year_label,
        fiscal_year_short=fiscal_year.short_label,
        localized=localized,
    )
