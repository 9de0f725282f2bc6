# syntax=docker/dockerfile:1
# ddbd's container image: FROM scratch holding only the root filesystem that
# `make image-rootfs` assembles (docker/image-rootfs.sh): the stripped ddbd,
# the few shared objects it needs, /etc/passwd with uid/gid 65532, /data,
# /home/dynamodblocal and /tmp.  tests/e2e/test_image.py builds that same tree,
# runs it in an empty root as this file's runtime stage says (it reads ENV,
# USER, WORKDIR, ENTRYPOINT, CMD and HEALTHCHECK from here), and checks it.
#
# The entrypoint takes DynamoDB Local's arguments unchanged, so compose files
# and CI jobs written for amazon/dynamodb-local work with only the image
# changed: `command: "-jar DynamoDBLocal.jar -sharedDb -dbPath ./data"` (data
# in /home/dynamodblocal/data, as there) or `-jar DynamoDBLocal.jar -inMemory`.
# With no arguments ddbd listens on 0.0.0.0:8000 with its data in /data.

# ---- build -----------------------------------------------------------------
FROM debian:bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      cmake g++ make pkg-config \
      libboost1.81-dev libsimdjson-dev liblmdb-dev libspdlog-dev libssl-dev zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN make image-rootfs JOBS="$(nproc)"

# ---- runtime ---------------------------------------------------------------
FROM scratch
COPY --from=build /src/build/image-rootfs/ /
# Defaults that flags override: -port/--port, -dbPath/--data-dir, --host.
ENV DDBD_HOST=0.0.0.0 DDBD_DATA_DIR=/data
USER 65532:65532
# DynamoDB Local's working directory: its `-dbPath ./data` lands here too.
WORKDIR /home/dynamodblocal
VOLUME /data
EXPOSE 8000
# No shell in the image: ddbd probes itself (GET http://127.0.0.1:$DDBD_PORT/,
# default 8000; give the URL when the command line moves the port).
HEALTHCHECK --interval=5s --timeout=3s --start-period=2s --retries=3 \
  CMD ["/usr/local/bin/ddbd", "--health-check"]
ENTRYPOINT ["/usr/local/bin/ddbd"]
CMD []
