# A deployment's settings. Copy to instance/config.py (make run writes one with a fresh key).
# Environment variables DATABASE_URL and SECRET_KEY override these.
SECRET_KEY = "change-me: python3 -c 'import secrets; print(secrets.token_hex(32))'"
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://audit:secret@localhost/audit"
# SESSION_COOKIE_SECURE = True  # when served over HTTPS
