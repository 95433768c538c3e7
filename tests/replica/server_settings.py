"""Settings of the app server the replica harness starts (tests/replica/cluster.py): the
production settings, read from the environment the harness sets (DATABASE_URL on the
throwaway primary, REPLICA_DATABASE_URL on its standby), with the plain static storage
(no `collectstatic` for a throwaway server) and a fast hasher."""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
