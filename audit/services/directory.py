"""Signing in with the city's directory (LDAP, Active Directory): a user name and password in,
who the person is and what role the city gives them out (a :data:`users.Directory`)."""

import logging
import math
import ssl
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from audit.models import Role, User
from audit.services.users import Directory, DirectoryPerson, Person

with warnings.catch_warnings():
    # ldap3 2.9.1, its latest release, still reads pyasn1's tagMap and typeMap, which pyasn1
    # 0.6.1 deprecated; the fix is merged upstream but unreleased (cannatag/ldap3#1159).
    warnings.filterwarnings("ignore", r"(tag|type)Map is deprecated", DeprecationWarning)
    from ldap3 import BASE, NONE, SUBTREE, Connection, Server, Tls
    from ldap3.core.exceptions import LDAPException
    from ldap3.utils.conv import escape_filter_chars
    from ldap3.utils.dn import escape_rdn, parse_dn

log = logging.getLogger(__name__)

#: where each part of a person is read: the first of these attributes the entry has a value of
#: (``username`` is the name the user is kept under: the directory's spelling, not the typed one)
ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "username": ("sAMAccountName", "uid"),
    "name": ("displayName", "cn"),
    "title": ("title",),
    "section": ("department", "ou"),
    "email": ("mail",),
}
#: the groups listing a user, for a server that keeps no memberOf (OpenLDAP without the overlay)
GROUP_FILTER = "(&(objectClass=groupOfNames)(member={dn}))"

#: a DN as compared: attribute types and values without case, spaces around the commas ignored
DnKey = tuple[tuple[str, str], ...]


def dn_key(dn: str) -> DnKey:
    return tuple((name.casefold(), value.casefold()) for name, value, _ in parse_dn(dn, strip=True))


@dataclass(frozen=True)
class GroupRole:
    """The members of a group sign in with this role (and ward)."""

    group: DnKey
    role: Role
    ward: str | None


def ldap_directory(
    uri: str,
    *,
    user_dn: str | None = None,
    bind_dn: str | None = None,
    bind_password: str | None = None,
    search_base: str | None = None,
    user_filter: str = "(sAMAccountName={username})",
    groups_base: str | None = None,
    group_roles: Iterable[Mapping[str, str]] = (),
    attributes: Mapping[str, str | Sequence[str]] | None = None,
    timeout: float = 5,
    ca_file: str | None = None,
) -> Directory:
    """The directory at ``uri`` (``ldap://host:port`` or ``ldaps://host``) as a Directory.

    A user is found by ``user_dn``, a DN template (``uid={username},ou=people,dc=…``) bound to
    with their password; or else by searching ``search_base`` for ``user_filter`` as the
    service account ``bind_dn`` (anonymously without one) and binding to the entry found.
    Their groups are their ``memberOf`` values and, with ``groups_base``, the groupOfNames under
    it that list them; the first of ``group_roles`` (``{"group": DN, "role": "committee",
    "ward": "kawasaki"}``) they are in gives their role and ward, and someone in none is refused.
    ``attributes`` overrides :data:`ATTRIBUTES` by key. A directory that is down, slow (no
    answer within ``timeout`` seconds) or refuses the service account refuses the sign-in with
    a warning in the log, never an error: local log-ins go on working.
    """
    if not user_dn and not search_base:
        raise ValueError("the directory needs a user DN template or a search base")
    names = {**ATTRIBUTES}
    for key, value in (attributes or {}).items():
        if key not in ATTRIBUTES:
            raise ValueError(f"unknown directory attribute key {key!r}: one of {list(ATTRIBUTES)}")
        names[key] = (value,) if isinstance(value, str) else tuple(value)
    # ldap3 checks no certificate unless told to; a city's own CA comes in as ca_file.
    tls = Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=ca_file)
    return LdapDirectory(
        server=Server(uri.rstrip("/"), connect_timeout=timeout, get_info=NONE, tls=tls),
        timeout=timeout,
        user_dn=user_dn,
        bind_dn=bind_dn,
        bind_password=bind_password,
        search_base=search_base,
        user_filter=user_filter,
        groups_base=groups_base,
        roles=tuple(
            GroupRole(dn_key(item["group"]), Role(item["role"]), item.get("ward") or None)
            for item in group_roles
        ),
        names=names,
    )


@dataclass(frozen=True)
class LdapDirectory:
    """An LDAP server asked who a user name and password are (built by :func:`ldap_directory`)."""

    server: Server
    timeout: float
    user_dn: str | None
    bind_dn: str | None
    bind_password: str | None
    search_base: str | None
    user_filter: str
    groups_base: str | None
    roles: tuple[GroupRole, ...]
    names: Mapping[str, tuple[str, ...]]

    def __call__(self, username: str, password: str) -> DirectoryPerson | None:
        username = username.strip()
        # An empty password would be an unauthenticated bind, which many servers let through.
        if not username or not password:
            return None
        try:
            return self.look_up(username, password)
        except LDAPException as error:
            log.warning("asking the directory %s about %r failed: %s", self.server, username, error)
            return None

    def look_up(self, username: str, password: str) -> DirectoryPerson | None:
        if self.user_dn:
            dn = self.user_dn.replace("{username}", escape_rdn(username))
            with self.bound(dn, password) as connection:
                if connection is None:
                    return None
                entry = self.entry_by_dn(connection, dn)
                if entry is None:
                    log.warning("%s may sign in to the directory but not read their entry", dn)
                    return None
                return self.person_of(connection, entry, username)
        with self.bound(self.bind_dn, self.bind_password) as service:
            if service is None:
                log.warning(
                    "the directory %s refused the service account %s", self.server, self.bind_dn
                )
                return None
            entry = self.entry_by_search(service, username)
            if entry is None:
                return None
            with self.bound(entry["dn"], password) as connection:
                if connection is None:
                    return None
            return self.person_of(service, entry, username)

    @contextmanager
    def bound(self, dn: str | None, password: str | None) -> Iterator[Connection | None]:
        """A connection bound as ``dn``, or None when the directory refuses the password."""
        connection = Connection(
            self.server,
            dn,
            password,
            # whole seconds: on Linux ldap3 packs it into SO_RCVTIMEO as an integer
            receive_timeout=math.ceil(self.timeout),
            auto_referrals=False,
            read_only=True,
        )
        try:
            yield connection if connection.bind() else None
        finally:
            try:
                connection.unbind()
            finally:
                # ldap3 leaves open a socket that failed to connect (a directory that is down)
                if connection.socket is not None:
                    connection.socket.close()

    @property
    def wanted(self) -> list[str]:
        """The attributes read from a user's entry."""
        return sorted({name for choices in self.names.values() for name in choices} | {"memberOf"})

    def entry_by_dn(self, connection: Connection, dn: str) -> dict[str, Any] | None:
        connection.search(dn, "(objectClass=*)", BASE, attributes=self.wanted)
        return next(iter(found_entries(connection)), None)

    def entry_by_search(self, connection: Connection, username: str) -> dict[str, Any] | None:
        query = self.user_filter.replace("{username}", escape_filter_chars(username))
        connection.search(self.search_base, query, SUBTREE, attributes=self.wanted, size_limit=2)
        entries = found_entries(connection)
        if len(entries) > 1:
            log.warning("the directory has more than one entry for %s", query)
        return entries[0] if len(entries) == 1 else None

    def groups_of(self, connection: Connection, entry: dict[str, Any]) -> set[DnKey]:
        groups = {dn_key(dn) for dn in entry["attributes"].get("memberOf") or ()}
        if self.groups_base:
            query = GROUP_FILTER.replace("{dn}", escape_filter_chars(entry["dn"]))
            connection.search(self.groups_base, query, SUBTREE)
            groups |= {dn_key(group["dn"]) for group in found_entries(connection)}
        return groups

    def person_of(
        self, connection: Connection, entry: dict[str, Any], typed: str
    ) -> DirectoryPerson | None:
        """Who the entry is, with the role of the first mapped group they are in (else None)."""
        groups = self.groups_of(connection, entry)
        mapped = next((role for role in self.roles if role.group in groups), None)
        if mapped is None:
            log.info("%s is in the directory but in no group mapped to a role", entry["dn"])
            return None
        attributes = entry["attributes"]
        values = {key: first_value(attributes, names) for key, names in self.names.items()}
        username = values.pop("username") or typed
        if len(username) > User.__table__.c.username.type.length:
            log.warning("the directory's user name %r is too long to keep", username)
            return None
        values = {key: clip(key, value) for key, value in values.items()}
        return DirectoryPerson(username, Person(role=mapped.role, ward=mapped.ward, **values))


def found_entries(connection: Connection) -> list[dict[str, Any]]:
    """The entries of the last search (referrals to other servers left out)."""
    return [item for item in connection.response or () if item["type"] == "searchResEntry"]


def first_value(attributes: Mapping[str, Any], names: Iterable[str]) -> str:
    for name in names:
        values = attributes.get(name) or ()
        for value in [values] if isinstance(values, str) else values:
            if str(value).strip():
                return str(value).strip()
    return ""


def clip(key: str, value: str) -> str:
    """The value cut to its column; an e-mail address that does not fit is left out whole."""
    limit = User.__table__.c[key].type.length
    if len(value) <= limit:
        return value
    return "" if key == "email" else value[:limit]
