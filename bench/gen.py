#!/usr/bin/env python3
"""Generate a realistic N-service, multi-file stack project for the benchmarks.

    bench/gen.py N DIR

writes into DIR:
  docker-compose.yml             base: every service in full
  docker-compose.prod.yml        override 1: images, replicas, resources, env, placement
  docker-compose.override-2.yml  override 2: labels, healthchecks, extra networks/secrets
  .env                           the variables the files interpolate
  env.sh                         the same variables as `export` lines, for tools that read no .env
  secrets/*, configs/*           files referenced by the top-level secrets and configs

The output depends on N only (no randomness, no clock): service i varies by i modulo small
primes, so every shape (list vs map environment, short vs long ports, ...) appears at every N >= 10.
Version 3.8 keeps the files inside what docker stack config, docker-compose v1 and stackc accept.
"""
import os
import sys

# Variables set in .env; others referenced below (e.g. UNSET_*) stay unset to exercise defaults.
ENV = [
    ("TAG", "1.4.2"),
    ("PROD_TAG", "1.4.3"),
    ("REGISTRY", "registry.example.com/acme"),
    ("LOG_LEVEL", "info"),
    ("DB_HOST", "db.internal"),
    ("DB_PORT", "5432"),
    ("CACHE_URL", "redis://cache:6379/0"),
    ("REPLICAS", "2"),
    ("CPU_LIMIT", "0.50"),
    ("MEM_LIMIT", "256M"),
    ("DEPLOY_ENV", "production"),
    ("ZONE", "eu-west-1a"),
]

NETWORKS = ["frontend", "backend", "monitoring", "data"]
VOLUMES = ["shared-data", "shared-logs", "cache"]
SECRETS = ["db_password", "api_key", "tls_cert", "tls_key"]
CONFIGS = ["app_conf", "nginx_conf", "logging_conf"]
TIERS = ["web", "api", "worker", "cron", "gateway", "search", "queue"]
ZONES = ["zone-a", "zone-b", "zone-c"]


def name(i):
    return "%s-%05d" % (TIERS[i % len(TIERS)], i)


def base_service(i):
    n = name(i)
    tier = TIERS[i % len(TIERS)]
    o = []
    w = o.append
    w("  %s:" % n)
    w("    image: ${REGISTRY}/%s:${TAG}" % tier)
    if i % 3 == 0:
        w('    command: ["%s", "--listen", ":8080", "--log-level", "${LOG_LEVEL:-info}"]' % tier)
    else:
        w("    command: %s --listen :8080 --workers %d" % (tier, 2 + i % 6))
    w("    hostname: %s" % n)
    w("    init: true")
    w("    stop_grace_period: %ds" % (10 + i % 20))
    if i % 2 == 0:
        w("    environment:")
        w("      - SERVICE_NAME=%s" % n)
        w("      - LOG_LEVEL=${LOG_LEVEL:-info}")
        w("      - DB_HOST=${DB_HOST:-db}")
        w("      - DB_PORT=${DB_PORT:-5432}")
        w("      - FEATURE_FLAGS=${UNSET_FEATURE_FLAGS:-alpha,beta}")
        w("      - WORKER_INDEX=%d" % i)
    else:
        w("    environment:")
        w("      SERVICE_NAME: %s" % n)
        w("      LOG_LEVEL: ${LOG_LEVEL:-info}")
        w('      CACHE_URL: "${CACHE_URL:-redis://localhost:6379}"')
        w("      TIMEOUT_MS: ${UNSET_TIMEOUT_MS:-2500}")
        w('      DEBUG: "false"')
        w("      EMPTY:")
    if i % 3 != 2:
        w("    ports:")
        if i % 2 == 0:
            w('      - "%d:8080"' % (10000 + i))
            w('      - "%d:9090/udp"' % (20000 + i))
        else:
            w("      - target: 8080")
            w("        published: %d" % (30000 + i))
            w("        protocol: tcp")
            w("        mode: %s" % ("host" if i % 5 == 0 else "ingress"))
    w("    networks:")
    nets = NETWORKS[: 2 + i % 3]
    if i % 4 == 0:
        w("      %s:" % nets[0])
        w("        aliases:")
        w("          - %s-alias" % n)
        for net in nets[1:]:
            w("      %s: {}" % net)
    else:
        for net in nets:
            w("      - %s" % net)
    w("    volumes:")
    w("      - %s:/var/lib/%s" % (VOLUMES[i % len(VOLUMES)], tier))
    w("      - /srv/%s/conf:/etc/%s:ro" % (n, tier))
    if i % 5 == 0:
        w("      - type: tmpfs")
        w("        target: /tmp/scratch")
        w("        tmpfs:")
        w("          size: 67108864")
    w("    secrets:")
    w("      - %s" % SECRETS[i % 2])
    if i % 3 == 0:
        w("      - source: tls_cert")
        w("        target: /run/secrets/cert.pem")
        w('        mode: 0440')
    w("    configs:")
    w("      - source: %s" % CONFIGS[i % len(CONFIGS)])
    w("        target: /etc/%s/app.conf" % tier)
    w("    healthcheck:")
    w('      test: ["CMD", "wget", "-q", "-O-", "http://localhost:8080/health"]')
    w("      interval: %ds" % (10 + i % 50))
    w("      timeout: 5s")
    w("      retries: %d" % (3 + i % 3))
    w("      start_period: 1m%ds" % (i % 60))
    w("    logging: *default-logging")
    w("    labels:")
    w("      com.example.team: team-%d" % (i % 17))
    w('      com.example.service: "%s"' % n)
    w("      com.example.tier: %s" % tier)
    w("    ulimits:")
    w("      nofile:")
    w("        soft: 65536")
    w("        hard: 65536")
    w("    deploy:")
    w("      mode: replicated")
    w("      replicas: ${REPLICAS:-1}")
    # dnsrr only where no port is published (ingress ports need a VIP)
    w("      endpoint_mode: %s" % ("dnsrr" if i % 6 == 5 else "vip"))
    w("      labels:")
    w("        com.example.owner: team-%d" % (i % 17))
    w("      resources:")
    w("        limits:")
    w("          cpus: '${CPU_LIMIT:-1.0}'")
    w("          memory: ${MEM_LIMIT:-512M}")
    w("        reservations:")
    w("          cpus: '0.%02d'" % (5 + i % 20))
    w("          memory: %dM" % (32 * (1 + i % 8)))
    w("      restart_policy:")
    w("        condition: on-failure")
    w("        delay: 5s")
    w("        max_attempts: %d" % (3 + i % 4))
    w("        window: 2m")
    w("      update_config:")
    w("        parallelism: %d" % (1 + i % 3))
    w("        delay: 10s")
    w("        failure_action: rollback")
    w("        monitor: 30s")
    w("        order: %s" % ("start-first" if i % 2 else "stop-first"))
    w("      rollback_config:")
    w("        parallelism: 1")
    w("        order: stop-first")
    w("      placement:")
    w("        constraints:")
    w("          - node.role == worker")
    w("          - node.labels.zone == %s" % ZONES[i % len(ZONES)])
    w("        preferences:")
    w("          - spread: node.labels.rack")
    return o


def prod_service(i):
    n = name(i)
    tier = TIERS[i % len(TIERS)]
    o = []
    w = o.append
    w("  %s:" % n)
    w("    image: ${REGISTRY}/%s:${PROD_TAG}" % tier)
    w("    environment:")
    if i % 2 == 0:
        w("      - LOG_LEVEL=warn")
        w("      - DEPLOY_ENV=${DEPLOY_ENV}")
    else:
        w("      LOG_LEVEL: warn")
        w("      DEPLOY_ENV: ${DEPLOY_ENV}")
    w("    deploy:")
    w("      replicas: %d" % (2 + i % 5))
    w("      resources:")
    w("        limits:")
    w("          memory: %dM" % (256 * (1 + i % 4)))
    w("      update_config:")
    w("        parallelism: 2")
    w("      placement:")
    w("        constraints:")
    w("          - node.role == worker")
    w("          - node.labels.zone == ${ZONE}")
    if i % 2 == 0:
        w("    ports:")
        w('      - "%d:8080"' % (10000 + i))
    return o


def override2_service(i):
    n = name(i)
    o = []
    w = o.append
    w("  %s:" % n)
    w("    labels:")
    w("      com.example.revision: r%d" % (i % 101))
    w('      com.example.oncall: "${UNSET_ONCALL:-ops@example.com}"')
    if i % 2 == 0:
        w("    healthcheck:")
        w("      interval: 15s")
        w("      retries: 5")
    if i % 5 == 1:
        w("    networks:")
        w("      - monitoring")
    if i % 7 == 3:
        w("    secrets:")
        w("      - tls_key")
    return o


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: gen.py N DIR\n")
        sys.exit(2)
    n = int(sys.argv[1])
    d = sys.argv[2]
    os.makedirs(os.path.join(d, "secrets"), exist_ok=True)
    os.makedirs(os.path.join(d, "configs"), exist_ok=True)

    base = ['version: "3.8"', "", "x-logging: &default-logging",
            "  driver: json-file", "  options:", '    max-size: "10m"', '    max-file: "3"',
            "", "services:"]
    for i in range(n):
        base += base_service(i)
    base += ["", "networks:"]
    for k, net in enumerate(NETWORKS):
        base += ["  %s:" % net, "    driver: overlay"]
        if k == 0:
            base += ["    attachable: true"]
        if k == 1:
            base += ["    driver_opts:", '      encrypted: ""']
        base += ["    labels:", "      com.example.net: %s" % net]
    base += ["", "volumes:"]
    for v in VOLUMES:
        base += ["  %s:" % v, "    driver: local", "    labels:", "      com.example.vol: %s" % v]
    base += ["", "secrets:"]
    for s in SECRETS:
        base += ["  %s:" % s, "    file: ./secrets/%s.txt" % s]
        write(os.path.join(d, "secrets", s + ".txt"), "bench-%s-value\n" % s)
    base += ["", "configs:"]
    for c in CONFIGS:
        base += ["  %s:" % c, "    file: ./configs/%s.conf" % c]
        write(os.path.join(d, "configs", c + ".conf"), "# %s\nlisten = 8080\n" % c)
    write(os.path.join(d, "docker-compose.yml"), "\n".join(base) + "\n")

    prod = ['version: "3.8"', "services:"]
    for i in range(n):
        prod += prod_service(i)
    prod += ["networks:", "  backend:", "    labels:", "      com.example.env: prod"]
    write(os.path.join(d, "docker-compose.prod.yml"), "\n".join(prod) + "\n")

    ov = ['version: "3.8"', "services:"]
    for i in range(n):
        ov += override2_service(i)
    write(os.path.join(d, "docker-compose.override-2.yml"), "\n".join(ov) + "\n")

    write(os.path.join(d, ".env"), "".join("%s=%s\n" % kv for kv in ENV))
    write(os.path.join(d, "env.sh"), "".join("export %s=%s\n" % kv for kv in ENV))


if __name__ == "__main__":
    main()
