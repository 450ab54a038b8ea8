#!/usr/bin/env python3
"""What `make k8s-check` verifies besides the Kubernetes schemas.

kubernetes-validate checks each built-in object against its schema, one object at a time.
This script checks what no such schema covers:

- every manifest is well-formed YAML, names its apiVersion, kind and metadata.name, and
  (except the Namespace and the Kustomization) lives in the `fangyi` namespace;
- kustomization.yaml lists exactly the manifests in this directory;
- KEDA's ScaledObject: it scales the tracing Deployment with kafka triggers that name the
  group and the topics fangyi-tracing really consumes (read from the Swift sources), carry
  bootstrapServers, consumerGroup, topic and lagThreshold, and it never asks for more
  replicas than those topics have partitions;
- each Deployment's probes and HTTP_PORT point at its container port, each Service reaches
  that port, and every ConfigMap or Secret key a pod uses exists;
- the JSON files in the ConfigMaps parse.

Usage: check_custom.py [REPOSITORY_ROOT]. Prints one line per problem; exit status 1 if any.
"""
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
CATALOG = ROOT / "Shared" / "FangyiEvents" / "Catalog" / "TopicCatalog.swift"
TRACING_HANDLER = ROOT / "Services" / "Tracing" / "Handlers" / "TracingHandler.swift"
NAMESPACE = "fangyi"
TRACING_DEPLOYMENT = "fangyi-tracing"
KAFKA_METADATA = ("bootstrapServers", "consumerGroup", "topic", "lagThreshold")

problems = []


def problem(where, message):
    problems.append(f"{where}: {message}")


def load_manifests():
    """Returns (file name, object) for every YAML document under deploy/k8s."""
    objects = []
    for path in sorted(K8S.glob("*.yaml")):
        try:
            documents = list(yaml.safe_load_all(path.read_text()))
        except yaml.YAMLError as error:
            problem(path.name, f"not well-formed YAML: {error}")
            continue
        for document in documents:
            if document is None:
                continue
            if not isinstance(document, dict):
                problem(path.name, "a document is not a mapping")
                continue
            objects.append((path.name, document))
    return objects


def catalog_from_swift():
    """Tracing's consumer group, and its topics with their partition counts, from the code."""
    catalog = CATALOG.read_text()
    partitions = {}
    for identifier, name, count in re.findall(
            r'static let (\w+) = Topic\(\s*name: "([^"]+)",[^\n]*?partitions: (\d+)', catalog):
        partitions[identifier] = (name, int(count))
    group = re.search(r'static let tracingGroup = "([^"]+)"', catalog)
    consumed = re.search(r"static let topics = \[(.*?)\]", TRACING_HANDLER.read_text(), re.S)
    if not partitions or not group or not consumed:
        raise SystemExit("check_custom.py: cannot read the topic catalog or the tracing topics; update the patterns")
    topics = {}
    for identifier in re.findall(r"TopicCatalog\.(\w+)\.name", consumed.group(1)):
        if identifier not in partitions:
            raise SystemExit(f"check_custom.py: TopicCatalog.{identifier} not found in {CATALOG.name}")
        name, count = partitions[identifier]
        topics[name] = count
    return group.group(1), topics


def check_scaled_object(where, scaled, deployments, bootstrap):
    name = scaled.get("metadata", {}).get("name", "?")
    where = f"{where} ScaledObject/{name}"
    if scaled.get("apiVersion") != "keda.sh/v1alpha1":
        problem(where, "apiVersion must be keda.sh/v1alpha1")
    spec = scaled.get("spec") or {}
    target = spec.get("scaleTargetRef") or {}
    if target.get("name") != TRACING_DEPLOYMENT or target.get("name") not in deployments:
        problem(where, f"spec.scaleTargetRef.name must be the Deployment {TRACING_DEPLOYMENT}")
    if target.get("kind", "Deployment") != "Deployment":
        problem(where, "spec.scaleTargetRef.kind must be Deployment")
    group, topics = catalog_from_swift()
    low, high = spec.get("minReplicaCount"), spec.get("maxReplicaCount")
    if not isinstance(low, int) or not isinstance(high, int) or not 1 <= low <= high:
        problem(where, "minReplicaCount and maxReplicaCount must be integers with 1 <= min <= max")
    elif high > max(topics.values()):
        problem(where, f"maxReplicaCount {high} exceeds the partitions of tracing's topics ({max(topics.values())})")
    triggers = spec.get("triggers") or []
    seen = set()
    for index, trigger in enumerate(triggers):
        at = f"{where} spec.triggers[{index}]"
        metadata = trigger.get("metadata") or {}
        if trigger.get("type") != "kafka":
            problem(at, "type must be kafka")
        for key in KAFKA_METADATA:
            if not str(metadata.get(key, "")).strip():
                problem(at, f"metadata.{key} is required")
        for key, value in metadata.items():
            if not isinstance(value, str):
                problem(at, f"metadata.{key} must be a string (KEDA's metadata is a map of strings); quote it")
        if metadata.get("consumerGroup") not in (None, group):
            problem(at, f"consumerGroup must be tracing's group {group!r}")
        if metadata.get("topic") and metadata["topic"] not in topics:
            problem(at, f"topic {metadata['topic']!r} is not one fangyi-tracing consumes")
        if metadata.get("bootstrapServers") and metadata["bootstrapServers"] != bootstrap:
            problem(at, "bootstrapServers differs from KAFKA_BOOTSTRAP_SERVERS in fangyi-env")
        threshold = str(metadata.get("lagThreshold", ""))
        if threshold and not (threshold.isdigit() and int(threshold) > 0):
            problem(at, "lagThreshold must be a positive integer")
        seen.add(metadata.get("topic"))
    if missing := sorted(set(topics) - seen):
        problem(where, f"no trigger for {', '.join(missing)}")


def check_deployment(where, deployment, config_maps, secrets):
    """Probes and HTTP_PORT on the container port; referenced ConfigMap and Secret keys exist."""
    where = f"{where} Deployment/{deployment['metadata']['name']}"
    pod = deployment["spec"]["template"]["spec"]
    for volume in pod.get("volumes", []):
        source = volume.get("configMap")
        if source:
            for item in source.get("items", []):
                if item["key"] not in config_maps.get(source["name"], {}):
                    problem(where, f"volume {volume['name']}: ConfigMap {source['name']} has no key {item['key']}")
    for container in pod["containers"]:
        at = f"{where} container {container['name']}"
        ports = {port.get("name"): port["containerPort"] for port in container.get("ports", [])}
        if len(ports) != 1:
            problem(at, "expected exactly one (HTTP) container port")
            continue
        number = next(iter(ports.values()))
        for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
            get = (container.get(probe) or {}).get("httpGet")
            if probe != "startupProbe" and not get:
                problem(at, f"{probe} must be an httpGet probe")
            if get and get.get("port") not in (number, *ports):
                problem(at, f"{probe} port {get.get('port')!r} is not the container port {number}")
        paths = {p: (container.get(p) or {}).get("httpGet", {}).get("path") for p in ("readinessProbe", "livenessProbe")}
        if paths != {"readinessProbe": "/health/ready", "livenessProbe": "/health/live"}:
            problem(at, "readiness must GET /health/ready and liveness /health/live")
        env = {variable["name"]: variable for variable in container.get("env", [])}
        if env.get("HTTP_PORT", {}).get("value") != str(number):
            problem(at, f"HTTP_PORT must be {number}, the container port")
        for variable in env.values():
            ref = (variable.get("valueFrom") or {}).get("secretKeyRef")
            if ref and not ref.get("optional") and ref["key"] not in secrets.get(ref["name"], {}):
                problem(at, f"{variable['name']}: Secret {ref['name']} has no key {ref['key']}")
        for source in container.get("envFrom", []):
            ref = source.get("configMapRef")
            if ref and not ref.get("optional") and ref["name"] not in config_maps:
                problem(at, f"envFrom: no ConfigMap {ref['name']}")


def check_service(where, service, deployments):
    """The Service selects a Deployment's pods and reaches its container port."""
    where = f"{where} Service/{service['metadata']['name']}"
    selector = service["spec"].get("selector", {})
    pods = [d for d in deployments.values()
            if selector and selector.items() <= d["spec"]["template"]["metadata"]["labels"].items()]
    if len(pods) != 1:
        problem(where, "the selector must match the pods of exactly one Deployment")
        return
    ports = {p.get("name"): p["containerPort"] for c in pods[0]["spec"]["template"]["spec"]["containers"]
             for p in c.get("ports", [])}
    for port in service["spec"]["ports"]:
        target = port.get("targetPort", port["port"])
        if target not in ports and target not in ports.values():
            problem(where, f"targetPort {target!r} is no container port of the selected pods")
    scrape_port = service["metadata"].get("annotations", {}).get("prometheus.io/port")
    if scrape_port and int(scrape_port) not in ports.values():
        problem(where, f"prometheus.io/port {scrape_port} is no container port")


def main():
    objects = load_manifests()
    files = {path.name for path in K8S.glob("*.yaml")}
    by_kind = {}
    for where, obj in objects:
        metadata = obj.get("metadata") or {}
        if not obj.get("apiVersion") or not obj.get("kind") or not metadata.get("name"):
            if obj.get("kind") != "Kustomization":
                problem(where, "every object needs apiVersion, kind and metadata.name")
            continue
        if obj["kind"] != "Namespace" and metadata.get("namespace") != NAMESPACE:
            problem(where, f"{obj['kind']}/{metadata['name']} must be in namespace {NAMESPACE}")
        by_kind.setdefault(obj["kind"], []).append((where, obj))
    for where, kustomization in by_kind.get("Kustomization", []):
        listed = set(kustomization.get("resources", []))
        if listed != files - {where}:
            problem(where, f"resources must list every manifest: missing {sorted(files - {where} - listed)}, "
                           f"unknown {sorted(listed - files)}")
    config_maps = {o["metadata"]["name"]: o.get("data", {}) for _, o in by_kind.get("ConfigMap", [])}
    secrets = {o["metadata"]["name"]: {**o.get("data", {}), **o.get("stringData", {})}
               for _, o in by_kind.get("Secret", [])}
    for name, data in config_maps.items():
        for key, text in data.items():
            if key.endswith(".json"):
                try:
                    json.loads(text)
                except ValueError as error:
                    problem(f"ConfigMap/{name}", f"{key} is not JSON: {error}")
    deployments = {o["metadata"]["name"]: o for _, o in by_kind.get("Deployment", [])}
    bootstrap = config_maps.get("fangyi-env", {}).get("KAFKA_BOOTSTRAP_SERVERS")
    checks = [(check_deployment, by_kind.get("Deployment", []), (config_maps, secrets)),
              (check_service, by_kind.get("Service", []), (deployments,)),
              (check_scaled_object, by_kind.get("ScaledObject", []), (deployments, bootstrap))]
    for check, found, context in checks:
        for where, obj in found:
            try:
                check(where, obj, *context)
            except (KeyError, TypeError, AttributeError, ValueError) as error:
                problem(where, f"{obj['kind']}/{obj['metadata']['name']} is malformed ({type(error).__name__}: {error})")
    if not by_kind.get("ScaledObject"):
        problem("deploy/k8s", "no KEDA ScaledObject for the tracing Deployment")
    for line in problems:
        print(f"ERROR {line}")
    if problems:
        return 1
    print(f"check_custom.py: {len(objects)} objects in {len(files)} files: references, probes and the ScaledObject hold")
    return 0


if __name__ == "__main__":
    sys.exit(main())
