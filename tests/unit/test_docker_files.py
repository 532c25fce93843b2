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
    for path in ("pyproject.toml", "app", "server.py", "config.yaml", "resources", "docs"):
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
    assert "s3" in compose["services"]["s3"]["profiles"]
    assert "S3_ENDPOINT_URL" in app["environment"]


def compose_file() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def default_value(value: str) -> str:
    """A compose value with each ${NAME:-default} replaced by its default (no variable set)."""
    return re.sub(r"\$\{[A-Z0-9_]+:-([^}]*)\}", r"\1", str(value))


def test_the_default_profile_is_the_single_machine_app() -> None:
    services = compose_file()["services"]
    assert [name for name, service in services.items() if not service.get("profiles")] == ["app"]
    assert not {"EXECUTOR", "REDIS_URL", "DATABASE_URL"} & set(services["app"]["environment"])


def test_the_scale_profile_has_every_part_each_with_a_healthcheck() -> None:
    services = compose_file()["services"]
    scale = {name for name, service in services.items() if "scale" in service.get("profiles", [])}
    assert scale == {"nginx", "web", "worker", "redis", "postgres", "s3", "s3-bucket"}
    for name in scale - {"s3-bucket"}:  # the one-shot that makes the bucket exits; the others wait for its 0
        assert services[name]["healthcheck"]["test"], name
    assert services["web"]["deploy"]["replicas"] == 2 and services["worker"]["deploy"]["replicas"] == 2
    assert services["worker"]["command"][:3] == ["aiflow", "worker", "--concurrency"]
    for name in scale:
        for needed, condition in (services[name].get("depends_on") or {}).items():
            assert needed in services, (name, needed)
            if needed == "s3-bucket":
                assert condition["condition"] == "service_completed_successfully"
            else:
                assert condition["condition"] == "service_healthy", (name, needed)


def test_web_and_workers_share_queue_database_files_and_secret() -> None:
    services = compose_file()["services"]
    web, worker = services["web"]["environment"], services["worker"]["environment"]
    shared = ("EXECUTOR", "REDIS_URL", "DATABASE_URL", "S3_ENDPOINT_URL", "S3_BUCKET_NAME", "S3_AWS_ACCESS_KEY_ID",
              "S3_AWS_SECRET_ACCESS_KEY", "FLASK_SECRET_KEY")
    for name in shared:
        assert web[name] == worker[name], name
    assert web["EXECUTOR"] == "queue"
    assert default_value(web["REDIS_URL"]).startswith("redis://redis:")
    assert default_value(web["DATABASE_URL"]).startswith("postgresql+psycopg://")
    assert "@postgres:5432/" in default_value(web["DATABASE_URL"])
    # The S3 endpoint's host is a name of MinIO inside the network (browsers reach it on the published port).
    endpoint_host = re.match(r"http://([^:/]+):9000$", default_value(web["S3_ENDPOINT_URL"])).group(1)
    aliases = [default_value(a) for a in services["s3"]["networks"]["default"]["aliases"]]
    assert endpoint_host in aliases and "9000:9000" in services["s3"]["ports"]
    bucket = services["s3-bucket"]
    assert bucket["environment"]["S3_BUCKET_NAME"] == web["S3_BUCKET_NAME"]
    assert "mc mb" in " ".join(bucket["command"])
    assert web["HOST"] == "0.0.0.0" and {"AUTH_TOKEN", "ALLOWED_HOSTS"} <= set(web)


def test_nginx_is_sticky_and_keeps_sockets_and_event_streams_open() -> None:
    services = compose_file()["services"]
    source, target = services["nginx"]["volumes"][0].split(":")[:2]
    conf_path = ROOT / source
    assert conf_path.is_file() and target == "/etc/nginx/nginx.conf"
    conf = conf_path.read_text()
    assert f"server web:{services['web']['environment']['PORT']} resolve" in conf
    assert re.search(r"^\s*hash \$remote_addr consistent;", conf, re.MULTILINE)
    port = re.search(r"listen (\d+);", conf).group(1)
    assert f"{port}:{port}" in services["nginx"]["ports"]
    assert "proxy_set_header Upgrade $http_upgrade;" in conf
    assert "proxy_set_header Connection $connection_upgrade;" in conf
    locations = dict(re.findall(r"location (\S+(?: \S+)?) \{(.*?)\n        \}", conf, re.DOTALL))
    assert "proxy_buffering off;" in locations["/socket.io/"]
    events = next(body for where, body in locations.items() if where.startswith("~"))
    pattern = next(where for where in locations if where.startswith("~")).split(" ", 1)[1]
    assert re.search(pattern, "/api/v1/runs/0123abcd/events") and not re.search(pattern, "/api/v1/runs/0123abcd")
    for body in (locations["/socket.io/"], events):
        seconds = int(re.search(r"proxy_read_timeout (\d+)s;", body).group(1))
        assert seconds >= 3600 and "proxy_buffering off;" in body


def test_every_variable_given_to_web_and_worker_is_a_setting() -> None:
    from app.settings import Settings

    aliases = {field.alias for field in Settings.model_fields.values()}
    services = compose_file()["services"]
    for name in ("app", "web", "worker"):
        unknown = set(services[name]["environment"]) - aliases
        assert not unknown, (name, unknown)
    health = " ".join(services["worker"]["healthcheck"]["test"])
    module = re.search(r"celery -A (\S+)", health).group(1)
    assert (ROOT / (module.replace(".", "/") + ".py")).is_file()


def test_the_help_pages_go_into_the_image() -> None:
    """The editor's help (/help/<page>) serves Markdown pages of docs/: they are copied, not ignored."""
    from app.web.routes.help_pages import PAGES

    assert re.search(r"^COPY docs/\*\.md \./docs/$", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    ignored = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()]
    assert ignored.index("!docs/*.md") > ignored.index("docs"), "docs/*.md excepted after docs/ is ignored"
    for name in PAGES:
        assert (ROOT / "docs" / f"{name}.md").is_file(), name
