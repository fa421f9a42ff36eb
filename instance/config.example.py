# A deployment's settings. Copy to instance/config.py (make run writes one with a fresh key).
# Environment variables DATABASE_URL and SECRET_KEY override these.
SECRET_KEY = "change-me: python3 -c 'import secrets; print(secrets.token_hex(32))'"
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://audit:secret@localhost/audit"
# SESSION_COOKIE_SECURE = True  # when served over HTTPS
# TRUSTED_PROXIES = 1  # behind one reverse proxy (nginx) that sets X-Forwarded-For/-Proto
# Log-in protections (README, "Log-in"); the durations need: from datetime import timedelta
# IDLE_TIMEOUT = timedelta(minutes=30)  # None: no idle timeout
# LOGIN_MAX_FAILURES_PER_ACCOUNT = 5  # failed log-ins per user name within LOGIN_WINDOW
# LOGIN_MAX_FAILURES_PER_ADDRESS = 20  # failed log-ins per address within LOGIN_WINDOW
# LOGIN_WINDOW = timedelta(minutes=15)
# Sign-in with the city's directory (README, "Sign-in with the city's directory"); off while
# LDAP_URI is None. Active Directory: a service account searches, memberOf gives the groups.
# LDAP_URI = "ldaps://dc1.city.local:636"
# LDAP_BIND_DN = "CN=ward-audit,OU=Service Accounts,DC=city,DC=local"
# LDAP_BIND_PASSWORD = "…"
# LDAP_SEARCH_BASE = "OU=Staff,DC=city,DC=local"
# LDAP_USER_FILTER = "(sAMAccountName={username})"
# LDAP_CA_FILE = "/etc/ssl/certs/city-ca.pem"  # the city's own CA, if it signed the DC's cert
# OpenLDAP instead: bind to the user's DN, and find groups that list the user as a member
# LDAP_USER_DN = "uid={username},ou=people,dc=example,dc=jp"
# LDAP_GROUPS_BASE = "ou=groups,dc=example,dc=jp"
# The first group the user is in gives their role (and ward); users in none are refused
# LDAP_GROUP_ROLES = [
#     {"group": "CN=kawasaki-committee,OU=Groups,DC=city,DC=local", "role": "committee",
#      "ward": "kawasaki"},
#     {"group": "CN=ward-heads,OU=Groups,DC=city,DC=local", "role": "head"},
# ]
# LDAP_ATTRIBUTES = {"name": ["displayName", "cn"], "section": ["department", "ou"]}
# LDAP_TIMEOUT = 5  # seconds
