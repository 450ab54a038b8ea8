# Fangyi developer entry points.
#
#   make test      install missing system packages, start a private PostgreSQL
#                  (unless DATABASE_URL is set) and run the whole test suite
#   make demo      start the private PostgreSQL (its service schemas emptied), build in
#                  release mode, and run the development broker, every service and the
#                  liaocheng-2022 scenario under a live console; writes .fangyi/report/index.html
#                  (DEMO_ARGS passes options: DEMO_ARGS="--scenario surge", "--services-only")
#   make compose-check  validate docker-compose.yml offline (no Docker daemon needed)
#   make k8s-check      validate deploy/k8s offline: Kubernetes schemas (kubernetes-validate
#                  in a venv under .fangyi/venv) and deploy/k8s/check_custom.py
#   make pg-start / pg-stop / pg-psql   manage the private PostgreSQL cluster
#
# The private cluster lives in .fangyi/pg, listens on 127.0.0.1:$(PGPORT) with
# its socket in .fangyi/pg-run, trusts local connections (development only),
# and has a role and database named fangyi. PostgreSQL refuses to run as root,
# so when make runs as root the server runs as the `postgres` system user
# (created by Debian's postgresql package), or as `fangyi-pg` if that does
# not exist.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

PGPORT ?= 55432
FANGYI_DIR := $(CURDIR)/.fangyi
PGDATA_DIR := $(FANGYI_DIR)/pg
PGRUN_DIR := $(FANGYI_DIR)/pg-run
PGLOG := $(FANGYI_DIR)/pg.log
PG_DATABASE_URL := postgres://fangyi@127.0.0.1:$(PGPORT)/fangyi?sslmode=disable

# k8s-check: the Kubernetes version whose schemas the manifests must satisfy, the Python venv
# holding the pinned validator, and the manifests it checks. kubernetes-validate knows only
# built-in kinds: KEDA's ScaledObject and the kustomization are left to check_custom.py.
K8S_VERSION ?= 1.33
K8S_DIR := deploy/k8s
VENV_DIR := $(FANGYI_DIR)/venv
K8S_CUSTOM := $(K8S_DIR)/kustomization.yaml $(K8S_DIR)/tracing-scaledobject.yaml
K8S_MANIFESTS := $(filter-out $(K8S_CUSTOM),$(sort $(wildcard $(K8S_DIR)/*.yaml)))

# Warnings are errors in CI (CONVENTIONS.md); SwiftPM does not pass the flag to
# remote dependencies, which are built with warnings suppressed.
SWIFT_FLAGS ?=
ifeq ($(CI),true)
SWIFT_FLAGS += -Xswiftc -warnings-as-errors
endif

# `sudo` for package installs when not root.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Shell snippet: sets pg_bin to the directory holding initdb and pg_ctl, or to
# "" when the PostgreSQL server is not installed. Debian keeps them outside
# PATH, in /usr/lib/postgresql/<version>/bin; the newest version wins.
define find_pg_bin
pg_bin=""; \
if command -v initdb >/dev/null 2>&1; then \
  pg_bin="$$(dirname "$$(readlink -f "$$(command -v initdb)")")"; \
  [ -x "$$pg_bin/pg_ctl" ] || pg_bin=""; \
fi; \
if [ -z "$$pg_bin" ]; then \
  for d in $$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do \
    if [ -x "$$d/initdb" ] && [ -x "$$d/pg_ctl" ]; then pg_bin="$$d"; break; fi; \
  done; \
fi
endef

# Shell snippet: sets as_pg to the command prefix that runs a program as the
# cluster's owner ("" when not root) and pg_owner to that user.
define pg_identity
as_pg=""; pg_owner="$$(id -un)"; \
if [ "$$(id -u)" = 0 ]; then \
  if id -u postgres >/dev/null 2>&1; then pg_owner=postgres; \
  else \
    pg_owner=fangyi-pg; \
    id -u fangyi-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin fangyi-pg; \
  fi; \
  as_pg="runuser -u $$pg_owner --"; \
fi
endef

.PHONY: deps pg-start pg-stop pg-psql build test demo compose-check k8s-check clean

## deps: install the Debian packages the build and tests need, if missing
deps:
	@if ! pkg-config --exists rdkafka 2>/dev/null; then \
	  echo "deps: installing librdkafka-dev"; \
	  $(SUDO) apt-get update; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends librdkafka-dev pkg-config; \
	fi
	@$(find_pg_bin); \
	if [ -z "$$pg_bin" ]; then \
	  echo "deps: installing postgresql"; \
	  $(SUDO) apt-get update; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends postgresql; \
	fi
	@if ! command -v docker-compose >/dev/null 2>&1; then \
	  echo "deps: installing docker-compose"; \
	  $(SUDO) apt-get update; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends docker-compose; \
	fi

## pg-start: initialise (first time) and start the private cluster; idempotent
pg-start:
	@$(find_pg_bin); \
	if [ -z "$$pg_bin" ]; then echo "pg-start: PostgreSQL server not found; run 'make deps'" >&2; exit 1; fi; \
	$(pg_identity); \
	mkdir -p "$(FANGYI_DIR)" "$(PGRUN_DIR)"; \
	if [ -n "$$as_pg" ] && ! $$as_pg test -x "$(FANGYI_DIR)"; then \
	  echo "pg-start: user $$pg_owner cannot reach $(FANGYI_DIR); make its parent directories world-executable" >&2; exit 1; \
	fi; \
	if [ ! -s "$(PGDATA_DIR)/PG_VERSION" ]; then \
	  echo "pg-start: initialising $(PGDATA_DIR)"; \
	  rm -rf "$(PGDATA_DIR)"; mkdir -p "$(PGDATA_DIR)"; chmod 700 "$(PGDATA_DIR)"; \
	  if [ -n "$$as_pg" ]; then chown "$$pg_owner:" "$(PGDATA_DIR)"; fi; \
	  $$as_pg "$$pg_bin/initdb" -D "$(PGDATA_DIR)" -U postgres --auth-local=trust --auth-host=trust \
	    --encoding=UTF8 --no-locale >"$(FANGYI_DIR)/initdb.log" 2>&1 \
	    || { cat "$(FANGYI_DIR)/initdb.log" >&2; exit 1; }; \
	fi; \
	touch "$(PGLOG)"; \
	if [ -n "$$as_pg" ]; then chown -R "$$pg_owner:" "$(PGDATA_DIR)" "$(PGRUN_DIR)" "$(PGLOG)"; fi; \
	if $$as_pg "$$pg_bin/pg_ctl" -D "$(PGDATA_DIR)" status >/dev/null 2>&1; then \
	  running_port="$$(sed -n 4p "$(PGDATA_DIR)/postmaster.pid" 2>/dev/null || true)"; \
	  if [ "$$running_port" != "$(PGPORT)" ]; then \
	    echo "pg-start: the cluster is already running on port $$running_port, not $(PGPORT); run 'make pg-stop' first" >&2; exit 1; \
	  fi; \
	  echo "pg-start: already running on port $(PGPORT)"; \
	else \
	  $$as_pg "$$pg_bin/pg_ctl" -D "$(PGDATA_DIR)" \
	    -o "-p $(PGPORT) -k $(PGRUN_DIR) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
	    -l "$(PGLOG)" -w -t 60 start >/dev/null \
	    || { echo "pg-start: server did not start; last lines of $(PGLOG):" >&2; tail -n 20 "$(PGLOG)" >&2; exit 1; }; \
	  echo "pg-start: running on 127.0.0.1:$(PGPORT)"; \
	fi; \
	psql=("$$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $(PGPORT) -U postgres -d postgres); \
	if [ "$$("$${psql[@]}" -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'fangyi'")" != 1 ]; then \
	  "$${psql[@]}" -c "CREATE ROLE fangyi LOGIN CREATEDB"; \
	fi; \
	if [ "$$("$${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = 'fangyi'")" != 1 ]; then \
	  "$${psql[@]}" -c "CREATE DATABASE fangyi OWNER fangyi"; \
	fi; \
	echo "pg-start: DATABASE_URL=$(PG_DATABASE_URL)"

## pg-stop: stop the private cluster if it is running
pg-stop:
	@$(find_pg_bin); \
	if [ -z "$$pg_bin" ] || [ ! -s "$(PGDATA_DIR)/PG_VERSION" ]; then exit 0; fi; \
	$(pg_identity); \
	if $$as_pg "$$pg_bin/pg_ctl" -D "$(PGDATA_DIR)" status >/dev/null 2>&1; then \
	  $$as_pg "$$pg_bin/pg_ctl" -D "$(PGDATA_DIR)" -m fast -w stop >/dev/null; \
	  echo "pg-stop: stopped"; \
	fi

## pg-psql: open psql on the private cluster's fangyi database
pg-psql:
	@$(find_pg_bin); "$${pg_bin:-/usr/bin}/psql" "$(PG_DATABASE_URL)"

## build: compile everything
build:
	swift build $(SWIFT_FLAGS)

## compose-check: validate docker-compose.yml offline; needs no Docker daemon
compose-check: deps
	docker-compose -f docker-compose.yml config -q

## k8s-check: validate deploy/k8s offline against the Kubernetes $(K8S_VERSION) schemas (strict:
## unknown fields fail; a kind without a schema fails too), then check_custom.py
k8s-check: $(VENV_DIR)/.k8s-tools
	@out="$$("$(VENV_DIR)/bin/kubernetes-validate" --strict --quiet --kubernetes-version $(K8S_VERSION) \
	  $(K8S_MANIFESTS) 2>&1)" && rc=0 || rc=$$?; \
	if [ -n "$$out" ]; then printf '%s\n' "$$out"; fi; \
	if [ "$$rc" != 0 ] || grep -q '^WARN' <<<"$$out"; then \
	  echo "k8s-check: $(K8S_DIR) does not validate against Kubernetes $(K8S_VERSION)" >&2; exit 1; \
	fi; \
	echo "k8s-check: $(words $(K8S_MANIFESTS)) manifests valid against Kubernetes $(K8S_VERSION)" \
	  "(kubernetes-validate $$("$(VENV_DIR)/bin/kubernetes-validate" --version))"
	@"$(VENV_DIR)/bin/python" $(K8S_DIR)/check_custom.py "$(CURDIR)"

# The venv with the pinned validator; rebuilt only when the requirements change. When
# `python3 -m venv` fails (Debian keeps ensurepip in python3-venv), installs Debian's
# python3 and python3-venv and tries again.
$(VENV_DIR)/.k8s-tools: $(K8S_DIR)/requirements.txt
	@rm -rf "$(VENV_DIR)"; mkdir -p "$(FANGYI_DIR)"; \
	if ! command -v python3 >/dev/null 2>&1 || ! python3 -m venv "$(VENV_DIR)" >/dev/null 2>&1; then \
	  echo "k8s-check: installing python3-venv"; \
	  rm -rf "$(VENV_DIR)"; \
	  $(SUDO) apt-get update; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends python3 python3-venv; \
	  python3 -m venv "$(VENV_DIR)"; \
	fi; \
	echo "k8s-check: installing $(K8S_DIR)/requirements.txt into $(VENV_DIR)"
	"$(VENV_DIR)/bin/pip" install --quiet --disable-pip-version-check --no-cache-dir -r $(K8S_DIR)/requirements.txt
	@touch "$@"

## test: validate the compose file and the Kubernetes manifests, then run all tests
## against the private cluster, or DATABASE_URL when set
test: deps compose-check k8s-check
	@if [ -z "$${DATABASE_URL:-}" ]; then $(MAKE) --no-print-directory pg-start; fi
	DATABASE_URL="$${DATABASE_URL:-$(PG_DATABASE_URL)}" swift test $(SWIFT_FLAGS)

## demo: start the private cluster, build everything (release), then run the development
## broker, every service and the scenario under a live console until its end or Ctrl-C
## (fangyi demo), then write the report
demo: deps pg-start
	swift build -c release $(SWIFT_FLAGS)
	@if [ -z "$${DATABASE_URL:-}" ]; then \
	  $(find_pg_bin); \
	  echo "demo: starting from empty service schemas in the private cluster"; \
	  "$${pg_bin:-/usr/bin}/psql" -q "$(PG_DATABASE_URL)" -c 'SET client_min_messages = warning' \
	    -c 'DROP SCHEMA IF EXISTS tracing, allocator, notifier CASCADE'; \
	fi
	DATABASE_URL="$${DATABASE_URL:-$(PG_DATABASE_URL)}" exec .build/release/fangyi demo $(DEMO_ARGS)

## clean: stop the cluster, delete its data and the build products
clean: pg-stop
	rm -rf "$(FANGYI_DIR)"
	swift package clean
