"""The file kinds users may upload, and the content type of every stored file, by extension."""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath

from app.errors import UserError

# Extension -> content type, grouped by kind. Uploads with any other extension are refused; the
# same table gives the Content-Type of files served back, so it does not depend on the host's
# /etc/mime.types.
UPLOAD_TYPES: dict[str, dict[str, str]] = {
    "documents": {
        "pdf": "application/pdf",
        "doc": "application/msword",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "odt": "application/vnd.oasis.opendocument.text",
        "rtf": "application/rtf",
        "xls": "application/vnd.ms-excel",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ods": "application/vnd.oasis.opendocument.spreadsheet",
        "ppt": "application/vnd.ms-powerpoint",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odp": "application/vnd.oasis.opendocument.presentation",
        "epub": "application/epub+zip",
    },
    "text": {
        "txt": "text/plain",
        "md": "text/markdown",
        "csv": "text/csv",
        "tsv": "text/tab-separated-values",
        "json": "application/json",
        "jsonl": "application/jsonl",
        "xml": "application/xml",
        "yaml": "application/yaml",
        "yml": "application/yaml",
        "html": "text/html",
        "htm": "text/html",
        "srt": "application/x-subrip",
        "vtt": "text/vtt",
    },
    "images": {
        "png": "image/png",
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "gif": "image/gif",
        "webp": "image/webp",
        "bmp": "image/bmp",
        "tif": "image/tiff",
        "tiff": "image/tiff",
        "avif": "image/avif",
        "heic": "image/heic",
        "svg": "image/svg+xml",
    },
    "audio": {
        "mp3": "audio/mpeg",
        "wav": "audio/wav",
        "ogg": "audio/ogg",
        "oga": "audio/ogg",
        "opus": "audio/ogg",
        "m4a": "audio/mp4",
        "aac": "audio/aac",
        "flac": "audio/flac",
    },
    "video": {
        "mp4": "video/mp4",
        "m4v": "video/mp4",
        "mov": "video/quicktime",
        "webm": "video/webm",
        "mkv": "video/x-matroska",
        "avi": "video/x-msvideo",
    },
    "3D": {
        "glb": "model/gltf-binary",
        "gltf": "model/gltf+json",
        "obj": "model/obj",
        "stl": "model/stl",
        "ply": "application/octet-stream",
        "fbx": "application/octet-stream",
        "usdz": "model/vnd.usdz+zip",
    },
    "archives and model weights": {
        "zip": "application/zip",
        "tar": "application/x-tar",
        "safetensors": "application/octet-stream",
    },
}

CONTENT_TYPES: dict[str, str] = {ext: ctype for group in UPLOAD_TYPES.values() for ext, ctype in group.items()}

for _ext, _ctype in CONTENT_TYPES.items():
    mimetypes.add_type(_ctype, f".{_ext}")


def extension_of(filename: str) -> str:
    """The lower-case extension of a file name or URL path, without the dot ('' when none)."""
    return PurePosixPath(filename.split("?")[0].split("#")[0]).suffix.lstrip(".").lower()


def content_type_for(filename: str) -> str:
    """The Content-Type to store or serve a file with."""
    ext = extension_of(filename)
    return CONTENT_TYPES.get(ext) or mimetypes.guess_type(f"f.{ext}")[0] or "application/octet-stream"


def allowed_summary() -> str:
    return "; ".join(f"{kind}: {', '.join(exts)}" for kind, exts in UPLOAD_TYPES.items())


#: Longest file name an upload may announce (file systems stop at 255 bytes per name).
MAX_FILENAME_CHARS = 255


def upload_extension(filename: str | None) -> str:
    """The extension of a file the user wants to upload, or a clear 400 when it is missing or not allowed."""
    if filename is None or not filename.strip():
        raise UserError("Missing 'filename': say which file you are uploading (e.g. ?filename=report.pdf).")
    if len(filename) > MAX_FILENAME_CHARS:
        raise UserError(f"The filename is too long ({len(filename)} characters; at most {MAX_FILENAME_CHARS}).")
    ext = extension_of(filename.strip())
    shown = filename if len(filename) <= 80 else filename[:77] + "..."
    if not ext:
        raise UserError(f"'{shown}' has no extension, so its type is unknown. Allowed files: "
                        f"{allowed_summary()}.")
    if ext not in CONTENT_TYPES:
        shown_ext = ext if len(ext) <= 20 else ext[:17] + "..."
        raise UserError(f"Files of type '.{shown_ext}' cannot be uploaded. Allowed files: {allowed_summary()}.")
    return ext
