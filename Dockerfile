# syntax=docker/dockerfile:1
# ---- build -----------------------------------------------------------------
FROM debian:bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      cmake g++ make pkg-config \
      libboost1.81-dev libsimdjson-dev liblmdb-dev libspdlog-dev libssl-dev zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DDDBD_TESTS=OFF \
 && cmake --build build -j"$(nproc)" --target ddbd \
 && strip build/ddbd

# ---- runtime ---------------------------------------------------------------
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libsimdjson14 liblmdb0 libspdlog1.10 libfmt9 libssl3 zlib1g \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build/ddbd /usr/local/bin/ddbd
EXPOSE 8000
VOLUME /data
ENTRYPOINT ["ddbd", "--host", "0.0.0.0", "--port", "8000", "--data-dir", "/data"]
