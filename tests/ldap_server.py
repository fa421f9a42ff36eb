"""A real OpenLDAP server for the directory tests: slapd on free local ports, loaded from LDIF.

The directory holds the same staff twice: under ``ou=people`` as OpenLDAP keeps them (``uid``,
``ou``, groupOfNames groups under ``ou=groups``) and under ``ou=staff`` as Active Directory
does (``sAMAccountName``, ``department``, ``memberOf``, read with a service account).
"""

import base64
import hashlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

SLAPD = "/usr/sbin/slapd"
SUFFIX = "dc=example,dc=jp"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PASSWORD = "root-secret"
SERVICE_DN = f"cn=audit-reader,ou=services,{SUFFIX}"
SERVICE_PASSWORD = "service-secret"
SCHEMAS = ("core", "cosine", "inetorgperson", "nis")
#: the three Active Directory attributes the city's directory is read by, with AD's OIDs and
#: matching (OpenLDAP's msuser.schema leaves out the matching rules, so no filter would match)
AD_SCHEMA = """
attributetype ( 1.2.840.113556.1.4.221 NAME 'sAMAccountName'
    EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
    SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.2.141 NAME 'department'
    EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.2.102 NAME 'memberOf'
    EQUALITY distinguishedNameMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.12 )
"""
#: users bind as themselves and read the directory; nobody reads a password, anonymous binds
#: see nothing (so the code under test cannot lean on an anonymous search)
ACCESS = """
access to attrs=userPassword
    by anonymous auth
    by * none
access to *
    by users read
    by * none
"""


@dataclass(frozen=True)
class Account:
    """Someone in the directory; ``name`` None has no displayName (氏名 falls back to cn)."""

    username: str
    password: str
    cn: str
    name: str | None
    section: str
    title: str
    email: str
    #: the groups' cn, in the order the directory lists them
    groups: tuple[str, ...]


ACCOUNTS = {
    account.username: account
    for account in (
        Account(
            "hanako",
            "hanako-password-1",
            "Kawasaki Hanako",
            "川崎 花子",
            "川崎区役所 まちづくり推進部",
            "企画係長",
            "kawasaki-h@city.example.jp",
            ("library", "kawasaki-committee"),
        ),
        Account(
            "taro",
            "taro-password-22",
            "Kosugi Taro",
            None,
            "中原区役所 区民サービス部",
            "区民サービス部長",
            "kosugi-t@city.example.jp",
            ("heads", "nakahara-committee"),
        ),
        Account(
            "jiro",
            "jiro-password-333",
            "Toshokan Jiro",
            "図書 次郎",
            "市立図書館",
            "司書",
            "tosho-j@city.example.jp",
            ("library",),
        ),
    )
}
GROUPS = ("kawasaki-committee", "nakahara-committee", "heads", "library")


def group_dn(name: str) -> str:
    return f"cn={name},ou=groups,{SUFFIX}"


#: what the city maps: the first matching group wins, so taro (heads, nakahara-committee) is
#: a committee member of 中原区; library staff are in no mapped group
GROUP_ROLES = [
    {"group": group_dn("kawasaki-committee"), "role": "committee", "ward": "kawasaki"},
    {"group": group_dn("nakahara-committee"), "role": "committee", "ward": "nakahara"},
    {"group": group_dn("heads"), "role": "head"},
]


def hash_password(password: str) -> str:
    """A salted SHA-1 ``userPassword``, as slappasswd writes it."""
    salt = os.urandom(8)
    digest = hashlib.sha1(password.encode() + salt).digest()
    return "{SSHA}" + base64.b64encode(digest + salt).decode()


def entries() -> Iterator[tuple[str, dict[str, list[str]]]]:
    yield SUFFIX, {"objectClass": ["dcObject", "organization"], "dc": ["example"], "o": ["例市"]}
    for unit in ("people", "staff", "groups", "services"):
        yield f"ou={unit},{SUFFIX}", {"objectClass": ["organizationalUnit"], "ou": [unit]}
    yield (
        SERVICE_DN,
        {
            "objectClass": ["organizationalRole", "simpleSecurityObject"],
            "cn": ["audit-reader"],
            "userPassword": [hash_password(SERVICE_PASSWORD)],
        },
    )
    for account in ACCOUNTS.values():
        person = {
            "objectClass": ["inetOrgPerson"],
            "cn": [account.cn],
            "sn": [account.cn.split()[0]],
            "title": [account.title],
            "mail": [account.email],
            "userPassword": [hash_password(account.password)],
            **({"displayName": [account.name]} if account.name else {}),
        }
        yield (
            f"uid={account.username},ou=people,{SUFFIX}",
            {
                **person,
                "uid": [account.username],
                "ou": [account.section],
            },
        )
        # As Active Directory has them: group DNs in capitals, the department its own attribute.
        yield (
            f"cn={account.cn},ou=staff,{SUFFIX}",
            {
                **person,
                "objectClass": ["inetOrgPerson", "extensibleObject"],
                "sAMAccountName": [account.username],
                "department": [account.section],
                "memberOf": [group_dn(group).upper() for group in account.groups],
            },
        )
    for group in GROUPS:
        yield (
            group_dn(group),
            {
                "objectClass": ["groupOfNames"],
                "cn": [group],
                "member": [
                    f"uid={account.username},ou=people,{SUFFIX}"
                    for account in ACCOUNTS.values()
                    if group in account.groups
                ],
            },
        )


def to_ldif(records: Iterator[tuple[str, dict[str, list[str]]]]) -> str:
    """LDIF text; values that are not plain ASCII are base64 (``attr:: …``), as RFC 2849 asks."""

    def line(name: str, value: str) -> str:
        if value.isascii() and not value.startswith((" ", ":", "<")):
            return f"{name}: {value}"
        return f"{name}:: {base64.b64encode(value.encode()).decode()}"

    blocks = []
    for dn, attributes in records:
        lines = [line("dn", dn)]
        lines += [line(name, value) for name, values in attributes.items() for value in values]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Slapd:
    uri: str
    #: the same server over TLS, with a certificate for 127.0.0.1 signed by ``ca_file``
    ldaps_uri: str
    ca_file: str


def write_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key (the certificate is its own CA)."""
    certificate, key = folder / "server.pem", folder / "server.key"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt"),
            *("ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate),
        ],
        check=True,
        capture_output=True,
    )
    return certificate, key


def write_config(folder: Path, certificate: Path, key: Path) -> Path:
    data = folder / "data"
    data.mkdir()
    config = folder / "slapd.conf"
    (folder / "ad.schema").write_text(AD_SCHEMA)
    schemas = "".join(f"include /etc/ldap/schema/{name}.schema\n" for name in SCHEMAS)
    schemas += f"include {folder / 'ad.schema'}\n"
    config.write_text(
        f"{schemas}"
        f"pidfile {folder / 'slapd.pid'}\n"
        f"TLSCertificateFile {certificate}\n"
        f"TLSCertificateKeyFile {key}\n"
        "modulepath /usr/lib/ldap\n"
        "moduleload back_mdb\n"
        "database mdb\n"
        f'suffix "{SUFFIX}"\n'
        f'rootdn "{ROOT_DN}"\n'
        f"rootpw {ROOT_PASSWORD}\n"
        f"directory {data}\n"
        "index objectClass,uid,member eq\n"
        f"{ACCESS}"
    )
    return config


def wait_until_answering(process: subprocess.Popen[bytes], uri: str, log: Path) -> None:
    deadline = time.monotonic() + 15
    whoami = ["ldapwhoami", "-x", "-H", uri, "-o", "nettimeout=1"]
    whoami += ["-D", ROOT_DN, "-w", ROOT_PASSWORD]
    while subprocess.run(whoami, capture_output=True).returncode != 0:
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"slapd does not answer at {uri}: {log.read_text(errors='replace')}")
        time.sleep(0.05)


@contextmanager
def run_slapd(folder: Path) -> Iterator[Slapd]:
    """slapd serving ACCOUNTS over ldap:// and ldaps:// on 127.0.0.1 until the block ends."""
    if not Path(SLAPD).exists() or not shutil.which("ldapwhoami") or not shutil.which("openssl"):
        raise RuntimeError("the directory tests need: apt-get install slapd ldap-utils openssl")
    certificate, key = write_certificate(folder)
    config = write_config(folder, certificate, key)
    ldif = folder / "data.ldif"
    ldif.write_text(to_ldif(entries()))
    subprocess.run(["slapadd", "-f", config, "-l", ldif], check=True, capture_output=True)
    uri, ldaps_uri = f"ldap://127.0.0.1:{free_port()}", f"ldaps://127.0.0.1:{free_port()}"
    # As whoever runs the tests (root in CI: without -u/-g slapd stays root); -d 0 keeps it in
    # the foreground, a child of this process that terminate() stops.
    log = folder / "slapd.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [SLAPD, "-f", config, "-h", f"{uri} {ldaps_uri}", "-d", "0"],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_answering(process, uri, log)
        yield Slapd(uri, ldaps_uri, str(certificate))
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


#: the two ways the city's directory is read, as ``ldap_directory``'s keyword arguments
SETUPS: dict[str, dict[str, str]] = {
    # OpenLDAP: bind to the user's own DN; the groups list their members
    "openldap": {
        "user_dn": f"uid={{username}},ou=people,{SUFFIX}",
        "groups_base": f"ou=groups,{SUFFIX}",
    },
    # Active Directory: a service account searches by sAMAccountName; memberOf lists the groups
    "active-directory": {
        "bind_dn": SERVICE_DN,
        "bind_password": SERVICE_PASSWORD,
        "search_base": f"ou=staff,{SUFFIX}",
        "user_filter": "(sAMAccountName={username})",
    },
}


@pytest.fixture(scope="module", name="slapd")
def slapd_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Slapd]:
    """slapd for the tests of one module (import this into the module as is)."""
    with run_slapd(tmp_path_factory.mktemp("slapd")) as server:
        yield server
