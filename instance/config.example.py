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
