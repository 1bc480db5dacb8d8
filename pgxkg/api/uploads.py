"""An uploaded file saved to a temporary folder, for the readers that take a path (VCFs)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import UploadFile

CHUNK = 1 << 20


@contextmanager
def saved(upload: UploadFile, default_name: str = "upload.vcf") -> Iterator[Path]:
    """The upload as a file (its own name, without any folder part), removed on the way out."""
    with tempfile.TemporaryDirectory(prefix="pgxkg-upload-") as folder:
        path = Path(folder) / (Path(upload.filename or default_name).name or default_name)
        with path.open("wb") as handle:
            while chunk := upload.file.read(CHUNK):
                handle.write(chunk)
        yield path
