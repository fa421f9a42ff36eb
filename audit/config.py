"""Defaults for every setting; ``instance/config.py`` and the environment override them."""

from datetime import timedelta
from decimal import Decimal

#: signs the session cookie; a deployment must set its own (the app refuses this one in production)
SECRET_KEY = "dev"
#: the database; None means the SQLite file ``instance/audit.sqlite``
SQLALCHEMY_DATABASE_URI: str | None = None
#: the folder ``flask init`` loads the catalog from; a source checkout's ``checklists/`` unless
#: instance/config.py or the CHECKLISTS_DIR environment variable says otherwise (an installed
#: copy has no checkout around it)
CHECKLISTS_DIR = "checklists"

#: Japanese first; English selectable per user
LANGUAGES = ("ja", "en")
BABEL_DEFAULT_LOCALE = "ja"
BABEL_DEFAULT_TIMEZONE = "Asia/Tokyo"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
#: a working day at a counter; also how long a CSRF token lives (see WTF_CSRF_TIME_LIMIT)
PERMANENT_SESSION_LIFETIME = timedelta(hours=10)
#: tie the CSRF token to the session rather than to one hour, so a two-hour form still saves
WTF_CSRF_TIME_LIMIT = None
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"

#: a browser left this long without a request is logged out (None: only the session lifetime)
IDLE_TIMEOUT: timedelta | None = timedelta(minutes=30)
#: failed log-ins within LOGIN_WINDOW after which a user name, whether or not it exists, is
#: refused without its password being checked (None: no limit) …
LOGIN_MAX_FAILURES_PER_ACCOUNT: int | None = 5
#: … and after which one address is; offices behind one gateway share an address
LOGIN_MAX_FAILURES_PER_ADDRESS: int | None = 20
LOGIN_WINDOW = timedelta(minutes=15)
#: how many reverse proxies in front of the app set X-Forwarded-For and X-Forwarded-Proto;
#: 0 trusts none, so behind nginx every client would share the proxy's address
TRUSTED_PROXIES = 0

#: checklist files are small; this bounds any request (larger ones get 413)
MAX_CONTENT_LENGTH = 4 * 1024 * 1024
#: the text fields of one form together (Werkzeug's default, 500 kB, is less than one section
#: of the scoring form may carry: 8 standards × 20,000 characters of evidence)
MAX_FORM_MEMORY_SIZE = MAX_CONTENT_LENGTH

#: the visitor survey's satisfaction target, and how far an interval's lower bound may fall
#: below it and still count as met (domain-notes §4.3); both are shown on the survey page
SURVEY_TARGET = Decimal("0.98")
SURVEY_TOLERANCE = Decimal("0.025")

#: signing in with the city's directory (README, "Sign-in with the city's directory"): its
#: server, ``ldap://host:389`` or ``ldaps://host:636`` (the password crosses the network: use
#: ldaps outside a test network); None: only users kept here sign in
LDAP_URI: str | None = None
#: find a user by binding to this DN with ``{username}`` filled in (OpenLDAP:
#: ``uid={username},ou=people,dc=example,dc=jp``); None: search for them instead (AD)
LDAP_USER_DN: str | None = None
#: the service account that searches (None: an anonymous search)
LDAP_BIND_DN: str | None = None
#: its password
LDAP_BIND_PASSWORD: str | None = None
#: where users are searched for (e.g. ``ou=staff,dc=city,dc=local``)
LDAP_SEARCH_BASE: str | None = None
#: which entry is the user, ``{username}`` filled in (escaped); OpenLDAP: ``(uid={username})``
LDAP_USER_FILTER = "(sAMAccountName={username})"
#: a user's groups are their memberOf values and, when this is set, the groupOfNames under it
#: that list them as a member (OpenLDAP keeps no memberOf without its overlay)
LDAP_GROUPS_BASE: str | None = None
#: which group signs in with which role, the first the user is in winning; a user in none is
#: refused. E.g. ``[{"group": "cn=kawasaki-committee,ou=groups,dc=example,dc=jp",
#: "role": "committee", "ward": "kawasaki"}, {"group": "cn=heads,…", "role": "head"}]``
LDAP_GROUP_ROLES: list[dict[str, str]] = []
#: the attributes a new user's user name, 氏名, 職名, 所属 and e-mail are read from, by key
#: (username, name, title, section, email), each a list tried in order; what is not given
#: keeps its default (``directory.ATTRIBUTES``: AD's names, then OpenLDAP's)
LDAP_ATTRIBUTES: dict[str, list[str]] = {}
#: seconds to wait for the directory to connect, and to answer; then the sign-in is refused
LDAP_TIMEOUT = 5
#: the CA certificate (PEM) that signed the directory's ldaps certificate, when the system's
#: trusted CAs do not include it (a city's own CA)
LDAP_CA_FILE: str | None = None
