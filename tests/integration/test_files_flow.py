"""Upload -> use in a flow -> output served back, the same tests with local storage and on a real S3 API (moto)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from app.testing.fakes.provider_server import FakeProviders
from tests.integration.files_support import (
    EDITED_PNG,
    SOURCE_PNG,
    fake_image_edits,
    minimal_pdf,
    run_outputs,
    upload,
)
from app.testing.flow_client import FlowClient, node
from app.testing.server_process import ServerProcess
from tests.s3_fixtures import MotoS3


@dataclass
class Setup:
    mode: str
    server: ServerProcess
    fake: FakeProviders
    folder: Path
    moto: MotoS3 | None = None
    bucket: str = ""

    def stored(self) -> list[str]:
        """Every stored file: bucket keys, or paths under the local folder (unfinished uploads included)."""
        if self.moto is not None:
            return self.moto.keys(self.bucket)
        return sorted(str(p.relative_to(self.folder)) for p in self.folder.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeProviders]:
    server = fake_image_edits()
    yield server
    server.stop()


@pytest.fixture(scope="module", params=["local", "s3"])
def setup(request: pytest.FixtureRequest, fake: FakeProviders,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    tmp = tmp_path_factory.mktemp(f"files-{request.param}")
    # ALLOW_PRIVATE_URLS=false: the fetch helper refuses the loopback server, so only direct reads work.
    env = {"OPENAI_BASE_URL": f"{fake.url}/openai/v1", "MAX_UPLOAD_SIZE_MB": "1", "PROVIDER_MAX_RETRIES": "0",
           "ALLOW_PRIVATE_URLS": "false"}
    moto: MotoS3 | None = None
    bucket = ""
    if request.param == "s3":
        moto = request.getfixturevalue("moto_s3")
        bucket = moto.new_bucket()
        env.update(moto.env(bucket))
    server = ServerProcess(env, tmp)
    yield Setup(request.param, server, fake, tmp / "storage", moto, bucket)
    server.stop()


@pytest.fixture
def client(setup: Setup) -> Iterator[FlowClient]:
    flow_client = FlowClient(setup.server.url)
    yield flow_client
    flow_client.close()


def fetch_back(setup: Setup, url: str) -> requests.Response:
    """GET an output or download link the way the browser would."""
    if setup.mode == "local":
        assert url.startswith(f"{setup.server.url}/image/"), url
    else:
        assert url.startswith(f"{setup.moto.endpoint}/{setup.bucket}/"), url  # type: ignore[union-attr]
    return requests.get(url, timeout=10)


def test_uploaded_pdf_feeds_document_to_text(setup: Setup, client: FlowClient) -> None:
    pdf = minimal_pdf("Quarterly numbers look great")
    response, link, upload_data = upload(setup.server.url, "Quarter report.pdf", pdf, "application/pdf")
    assert response.status_code == 204, response.text
    if setup.mode == "local":
        assert upload_data["url"] == f"{setup.server.url}/upload/local"
    served = fetch_back(setup, link)
    assert served.status_code == 200 and served.content == pdf
    assert served.headers["Content-Type"].startswith("application/pdf")

    flow = [node("doc", "document-to-text-processor", document_url=link)]
    outputs = run_outputs(client.run(flow))
    assert "Quarterly numbers look great" in str(outputs["doc"])


def test_uploaded_image_feeds_an_image_node_and_its_output_is_served(setup: Setup, client: FlowClient) -> None:
    setup.fake.reset()
    response, link, _ = upload(setup.server.url, "photo.png", SOURCE_PNG, "image/png")
    assert response.status_code == 204, response.text
    flow = [node("source", "file", fileUrl=link),
            node("edit", "gpt-image-processor", [("source", "image", 0)], method="edit", prompt="make it blue")]
    outputs = run_outputs(client.run(flow, parameters={"openai_api_key": "sk-test"}))

    # The node read our own file directly (the server's loopback address is refused by the fetch helper).
    sent = setup.fake.requests_to("/images/edits")
    assert len(sent) == 1 and SOURCE_PNG in sent[0].body
    result = outputs["edit"]
    result_url = result[0] if isinstance(result, list) else result
    served = fetch_back(setup, result_url)
    assert served.status_code == 200 and served.content == EDITED_PNG
    assert served.headers["Content-Type"] == "image/png"


def test_upload_link_errors_are_clear_4xx(setup: Setup) -> None:
    before = setup.stored()
    missing = requests.get(f"{setup.server.url}/upload", timeout=5)
    assert missing.status_code == 400 and "Missing 'filename'" in missing.json()["error"]
    unknown = requests.get(f"{setup.server.url}/upload", params={"filename": "tool.exe"}, timeout=5)
    assert unknown.status_code == 400
    assert "'.exe' cannot be uploaded" in unknown.json()["error"] and "pdf" in unknown.json()["error"]
    assert setup.stored() == before


def test_a_missing_file_fails_the_node_with_a_clear_message(setup: Setup, client: FlowClient) -> None:
    answer = requests.get(f"{setup.server.url}/upload", params={"filename": "never-sent.pdf"}, timeout=5)
    link = answer.json()["download_link"]  # the upload itself never happens
    events = client.run([node("doc", "document-to-text-processor", document_url=link)])
    errors = [data["error"] for name, data in events if name == "error"]
    assert errors and ("no longer" in errors[0]), errors


def test_oversize_upload_leaves_nothing(setup: Setup) -> None:
    if setup.mode == "s3":
        pytest.skip("moto does not enforce POST policies; the S3 policy's content-length-range is checked in "
                    "test_files_s3.py and tests/unit/test_storage_s3.py")
    before = setup.stored()
    too_big = b"\0" * (1024 * 1024 + 1)
    response, link, _ = upload(setup.server.url, "big.pdf", too_big, "application/pdf")
    assert response.status_code == 413 and "larger than the limit of 1 MB" in response.json()["error"]
    assert setup.stored() == before
    assert requests.get(link, timeout=5).status_code == 404

