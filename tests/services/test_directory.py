"""The city's directory, asked of a real OpenLDAP server: who a user name and password are."""

import logging
import socket
import threading

import pytest

from audit.models import Role
from audit.services.directory import ldap_directory
from audit.services.users import DirectoryPerson, Person

from ..ldap_server import (
    ACCOUNTS,
    GROUP_ROLES,
    SETUPS,
    SUFFIX,
    free_port,
    slapd_fixture,  # noqa: F401 - the fixture ``slapd``, used by name
)

HANAKO = ACCOUNTS["hanako"]


@pytest.fixture(params=SETUPS)
def directory(slapd, request):
    """The directory read as OpenLDAP keeps it, and as Active Directory does."""
    return ldap_directory(slapd.uri, group_roles=GROUP_ROLES, timeout=2, **SETUPS[request.param])


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        (
            "hanako",
            Person(
                Role.COMMITTEE,
                "kawasaki",
                name="川崎 花子",
                title="企画係長",
                section="川崎区役所 まちづくり推進部",
                email="kawasaki-h@city.example.jp",
            ),
        ),
        # No displayName: the cn. In heads and 中原区's committee: the first mapping, the ward's.
        (
            "taro",
            Person(
                Role.COMMITTEE,
                "nakahara",
                name="Kosugi Taro",
                title="区民サービス部長",
                section="中原区役所 区民サービス部",
                email="kosugi-t@city.example.jp",
            ),
        ),
    ],
)
def test_a_good_password_gives_the_mapped_role_and_who_the_person_is(directory, username, expected):
    assert directory(username, ACCOUNTS[username].password) == DirectoryPerson(username, expected)


def test_the_user_name_is_kept_as_the_directory_spells_it(directory):
    found = directory(" HANAKO ", HANAKO.password)
    assert found is not None
    assert found.username == "hanako"


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("hanako", "wrong-password"),
        ("hanako", ""),
        ("hanako", ACCOUNTS["taro"].password),
        ("nobody", HANAKO.password),
        ("", HANAKO.password),
    ],
)
def test_a_wrong_password_or_user_is_refused(directory, username, password):
    assert directory(username, password) is None


def test_someone_in_no_mapped_group_is_refused(directory, caplog):
    caplog.set_level(logging.INFO, "audit.services.directory")
    account = ACCOUNTS["jiro"]
    assert directory(account.username, account.password) is None
    assert "in no group mapped to a role" in caplog.text


@pytest.mark.parametrize(
    "username", ["*", "hana*", "*)(uid=*", "hanako)(|(uid=*", "*)(sAMAccountName=*", "hanako\\"]
)
def test_a_user_name_cannot_change_the_filter_or_the_dn(directory, username):
    # Unescaped, hana* would find hanako's entry and let her password in; the others would
    # widen or break the filter or the DN.
    assert directory(username, HANAKO.password) is None


def test_the_attributes_can_be_chosen(slapd):
    directory = ldap_directory(
        slapd.uri,
        group_roles=GROUP_ROLES,
        attributes={"name": "cn", "section": ["departmentNumber", "ou"]},
        **SETUPS["openldap"],
    )
    found = directory("hanako", HANAKO.password)
    assert found is not None
    assert (found.person.name, found.person.section) == ("Kawasaki Hanako", HANAKO.section)


def test_a_refused_service_account_refuses_the_sign_in_with_a_warning(slapd, caplog):
    setup = {**SETUPS["active-directory"], "bind_password": "not-the-password"}
    directory = ldap_directory(slapd.uri, group_roles=GROUP_ROLES, **setup)
    assert directory("hanako", HANAKO.password) is None
    assert "refused the service account" in caplog.text


@pytest.fixture
def silent_server():
    """A port that accepts connections and never answers."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        yield f"ldap://127.0.0.1:{server.getsockname()[1]}"


@pytest.mark.parametrize("setup", SETUPS)
@pytest.mark.parametrize("down", ["closed", "silent"])
def test_a_directory_that_is_down_refuses_within_the_timeout(silent_server, caplog, setup, down):
    uri = silent_server if down == "silent" else f"ldap://127.0.0.1:{free_port()}"
    directory = ldap_directory(uri, group_roles=GROUP_ROLES, timeout=0.5, **SETUPS[setup])
    answers: list[object] = []
    with caplog.at_level(logging.WARNING, logger="audit.services.directory"):
        # a guard against hanging, not a timing: without its timeout the call never returns
        asking = threading.Thread(
            target=lambda: answers.append(directory("hanako", HANAKO.password))
        )
        asking.start()
        asking.join(30)
    assert not asking.is_alive(), "the log-in waited on a silent directory"
    assert answers == [None]
    assert "asking the directory" in caplog.text


# Python 3.11's ssl.match_hostname, which ldap3 calls to check the certificate's name, says it
# is deprecated (3.12 has none and ldap3 uses its own copy); the check itself is what we want.
@pytest.mark.filterwarnings("ignore:ssl.match_hostname:DeprecationWarning")
def test_ldaps_trusts_the_city_ca_only(slapd, caplog):
    def ask(**config):
        directory = ldap_directory(
            slapd.ldaps_uri, group_roles=GROUP_ROLES, **SETUPS["openldap"], **config
        )
        return directory("hanako", HANAKO.password)

    assert ask(ca_file=slapd.ca_file) is not None
    with caplog.at_level(logging.WARNING, logger="audit.services.directory"):
        assert ask() is None  # a self-signed certificate the system does not trust
    assert "asking the directory" in caplog.text


@pytest.mark.parametrize(
    "config",
    [
        {},  # neither a DN template nor a search base
        {"user_dn": f"uid={{username}},{SUFFIX}", "group_roles": [{"group": SUFFIX, "role": "x"}]},
        {"user_dn": f"uid={{username}},{SUFFIX}", "attributes": {"phone": "telephoneNumber"}},
    ],
)
def test_a_wrong_setting_is_refused_when_the_directory_is_built(config):
    with pytest.raises(ValueError):  # noqa: PT011 - the messages are for whoever configures
        ldap_directory("ldap://127.0.0.1:1", **config)
