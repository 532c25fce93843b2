"""The Dockerfile and compose file agree (no Docker engine here: checked by parsing)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def dockerfile_stages() -> dict[str, list[str]]:
    stages: dict[str, list[str]] = {}
    current = None
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        match = re.match(r"FROM\s+\S+\s+AS\s+(\S+)", line, re.IGNORECASE)
        if match:
            current = match.group(1)
            stages[current] = []
        elif current and line.strip() and not line.startswith("#"):
            stages[current].append(line)
    return stages


def test_dockerfile_is_multi_stage_node_then_python() -> None:
    text = (ROOT / "Dockerfile").read_text()
    froms = re.findall(r"^FROM\s+(\S+)", text, re.MULTILINE)
    assert froms[0].startswith("node:") and froms[-1].startswith("python:")
    stages = dockerfile_stages()
    assert "npm run build" in "\n".join(stages["ui"])
    assert any("COPY --from=ui" in line and "ui/dist" in line for line in stages["app"])
    for path in ("pyproject.toml", "app", "server.py", "config.yaml", "resources"):
        assert (ROOT / path).exists(), path
        assert re.search(rf"COPY .*\b{re.escape(path)}\b", text), f"{path} is not copied into the image"


def test_compose_builds_the_dockerfile_and_keeps_storage() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    app = compose["services"]["app"]
    build = app["build"]
    assert (ROOT / build["context"] / build["dockerfile"]).is_file()
    assert build["target"] in dockerfile_stages()
    exposed = re.search(r"^EXPOSE\s+(\d+)", (ROOT / "Dockerfile").read_text(), re.MULTILINE).group(1)
    assert any(str(port).endswith(f":{exposed}") for port in app["ports"])
    storage_env = re.search(r"LOCAL_STORAGE_FOLDER_NAME=(\S+)", (ROOT / "Dockerfile").read_text()).group(1)
    mounts = [v.split(":", 1) for v in app["volumes"]]
    assert any(storage_env.startswith(target) for _, target in mounts)
    for name, _ in mounts:
        assert name in compose["volumes"]
    assert compose["services"]["s3"]["profiles"] == ["s3"]
    assert "S3_ENDPOINT_URL" in app["environment"]
