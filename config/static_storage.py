"""The static files' storage of `make run` and production (ADR 0013)."""

from typing import Any

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed names and gzip copies, served by WhiteNoise. No brotli copies: at brotli's
    best quality `collectstatic` takes half a minute on the API docs' scripts, and a gzip
    copy saves nearly as much. Source maps (read by a browser's developer tools only)
    stay uncompressed."""

    def create_compressor(self, **kwargs: Any) -> Compressor:
        extensions = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
        return Compressor(**{**kwargs, "use_brotli": False, "extensions": extensions})
