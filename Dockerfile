# datastored image: builds on Debian 12 and runs against the PostgreSQL given in DATABASE_URL
# (docker-compose.yml), or with its embedded PostgreSQL when none is given.
FROM debian:12-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
      build-essential cmake pkg-config libmicrohttpd-dev libpq-dev libjson-c-dev \
      libcurl4-openssl-dev libssl-dev check python3 python3-yaml nodejs npm \
      && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# Swagger UI for /docs, compiled into the binary (pinned by web/package-lock.json).
RUN cd web && npm ci --ignore-scripts --no-audit --no-fund
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DDATASTORED_TESTS=OFF && cmake --build build -j

FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends \
      libmicrohttpd12 libpq5 libjson-c5 libssl3 postgresql curl && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build/datastored /usr/local/bin/datastored
# Serving on 0.0.0.0 needs keys: set DATASTORED_API_KEY and DATASTORED_ADMIN_KEY (or mount a
# file for --api-keys); without any, datastored refuses to start.
EXPOSE 8080
HEALTHCHECK CMD curl -fs http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["/usr/local/bin/datastored", "--listen", "0.0.0.0:8080"]
