"""pytest fixtures that run ddbd's container image with Testcontainers.

Needs a Docker engine, the `testcontainers`, `boto3` and `pytest` packages,
and the image (build it from the repository root: `docker build -t ddbd .`;
set DDBD_IMAGE to use another tag). Not run in ddbd's CI, which has no Docker
engine: examples/pytest runs the same kind of tests against the binary.

The container gets DynamoDB Local's arguments (`-sharedDb -inMemory`), which
ddbd's entrypoint accepts, so a fixture written for amazon/dynamodb-local
needs only its image name changed. Testcontainers maps the container's port
8000 to a free host port and removes the container when the session ends.

Thread-safety: fixtures run on pytest's main thread.
"""

import os

import boto3
import pytest
from testcontainers.core.container import DockerContainer
from testcontainers.core.waiting_utils import wait_for_logs

IMAGE = os.environ.get("DDBD_IMAGE", "ddbd")


@pytest.fixture(scope="session")
def ddbd_endpoint():
    container = DockerContainer(IMAGE).with_command("-sharedDb -inMemory").with_exposed_ports(8000)
    with container:
        # ddbd prints "ddbd listening on HOST:PORT" once it accepts connections.
        wait_for_logs(container, "listening on", timeout=30)
        yield f"http://{container.get_container_host_ip()}:{container.get_exposed_port(8000)}"


@pytest.fixture(scope="session")
def dynamodb(ddbd_endpoint):
    return boto3.client("dynamodb", endpoint_url=ddbd_endpoint, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")
