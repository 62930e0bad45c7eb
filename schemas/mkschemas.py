#!/usr/bin/env python3
"""Write schemas/v3.0.json ... schemas/v3.13.json.

The compose file format 3.x as `docker stack` accepts it, one file per minor
version, built from a single description below in which every addition is
tagged with the minor version that introduced it (see README.md). The files
are committed; run this script after changing the description:

    python3 schemas/mkschemas.py

Shared shapes live under "definitions" and are referenced with $ref; the
validator (schemas/validate.c) supports exactly the keywords used here.
"""
import json
import os
import sys

NAME = "^[a-zA-Z0-9._-]+$"  # keys of services, volumes, secrets, configs
EXT = {"^x-": {}}           # extension keys


def ref(name):
    return {"$ref": "#/definitions/" + name}


def t(*types, **kw):
    """A schema with a type (one or several) plus other keywords."""
    s = {"type": types[0] if len(types) == 1 else list(types)}
    s.update(kw)
    return s


def obj(props, closed=True, **kw):
    s = {"type": "object", "properties": props}
    if closed is not None:
        s["additionalProperties"] = not closed
    s.update(kw)
    return s


def named_map(defn, closed=True):
    s = {"type": "object", "patternProperties": {NAME: ref(defn)}}
    if closed:
        s["additionalProperties"] = False
    return s


STR = t("string")
INT = t("integer")
NUM = t("number")
BOOL = t("boolean")


def since(v, minor, schema):
    return schema if v >= minor else None


def props(v, *pairs):
    """pairs of (name, schema-or-None); None entries are left out."""
    return {k: s for k, s in pairs if s is not None}


def update_config(v):
    return obj(props(v,
                     ("parallelism", INT),
                     ("delay", ref("duration")),
                     ("failure_action", STR),
                     ("monitor", ref("duration")),
                     ("max_failure_ratio", NUM),
                     ("order", since(v, 4, t("string", enum=["start-first", "stop-first"])))))


def deploy(v):
    if v >= 5:
        limits = obj(props(v, ("cpus", STR), ("memory", STR), ("pids", since(v, 9, INT))))
        reservations = obj({"cpus": STR, "memory": STR,
                            "generic_resources": ref("generic_resources")})
    else:
        limits = reservations = ref("resources")
    placement = obj(props(v,
                          ("constraints", ref("strings")),
                          ("preferences", since(v, 3, {"type": "array",
                                                       "items": obj({"spread": STR})})),
                          ("max_replicas_per_node", since(v, 8, INT))))
    return obj(props(v,
                     ("mode", STR),
                     ("endpoint_mode", since(v, 2, STR)),
                     ("replicas", INT),
                     ("labels", ref("dict_or_list")),
                     ("update_config", ref("update_config")),
                     ("rollback_config", since(v, 7, ref("update_config"))),
                     ("resources", obj({"limits": limits, "reservations": reservations})),
                     ("restart_policy", obj({"condition": STR,
                                             "delay": ref("duration"),
                                             "max_attempts": INT,
                                             "window": ref("duration")})),
                     ("placement", placement)),
               type=["object", "null"])


def build(v):
    ctx = obj(props(v,
                    ("context", STR),
                    ("dockerfile", STR),
                    ("args", ref("dict_or_list")),
                    ("labels", since(v, 3, ref("dict_or_list"))),
                    ("cache_from", since(v, 2, ref("unique_strings"))),
                    ("network", since(v, 4, STR)),
                    ("target", since(v, 4, STR)),
                    ("shm_size", since(v, 5, t("integer", "string"))),
                    ("extra_hosts", since(v, 9, ref("dict_or_list")))),
              closed=v < 11)
    return {"oneOf": [STR, ctx]}


def file_ref():
    # service-level secrets/configs: unknown keys are accepted (and dropped)
    return {"type": "array",
            "items": {"oneOf": [STR, obj({"source": STR, "target": STR, "uid": STR,
                                          "gid": STR, "mode": NUM}, closed=None)]}}


def ports(v):
    if v < 2:
        item = t("string", "number", format="ports")
    else:
        item = {"oneOf": [t("number", format="ports"), t("string", format="ports"),
                          obj({"mode": STR, "target": INT, "published": INT,
                               "protocol": STR})]}
    return {"type": "array", "items": item, "uniqueItems": True}


def service_volumes(v):
    if v < 2:
        return ref("unique_strings")
    long = obj(props(v,
                     ("type", STR),
                     ("source", STR),
                     ("target", STR),
                     ("read_only", BOOL),
                     ("consistency", STR),
                     ("bind", obj({"propagation": STR}, closed=None)),
                     ("volume", obj({"nocopy": BOOL}, closed=None)),
                     ("tmpfs", since(v, 6, obj({"size": t("integer", minimum=0)},
                                               closed=None)))),
               required=["type"])
    # uniqueItems sits on the item here, where it has no effect (docker's quirk)
    return {"type": "array", "items": {"oneOf": [STR, long], "uniqueItems": True}}


def service_networks(v):
    attach = obj(props(v,
                       ("aliases", ref("unique_strings")),
                       ("driver_opts", since(v, 13, ref("options"))),
                       ("ipv4_address", STR),
                       ("ipv6_address", STR)))
    return {"oneOf": [ref("unique_strings"),
                      {"type": "object",
                       "patternProperties": {NAME: {"oneOf": [attach, t("null")]}},
                       "additionalProperties": False}]}


def service(v):
    p = props(v,
              ("build", build(v)),
              ("cap_add", ref("unique_strings")),
              ("cap_drop", ref("unique_strings")),
              ("cgroup_parent", STR),
              ("cgroupns_mode", since(v, 9, STR)),
              ("command", ref("command")),
              ("configs", since(v, 3, ref("file_refs"))),
              ("container_name", STR),
              ("credential_spec", since(v, 3, obj(props(v,
                                                        ("config", since(v, 8, STR)),
                                                        ("file", STR),
                                                        ("registry", STR))))),
              ("depends_on", ref("unique_strings")),
              ("deploy", ref("deploy")),
              ("devices", ref("unique_strings")),
              ("dns", ref("string_or_list")),
              ("dns_search", ref("string_or_list")),
              ("domainname", STR),
              ("entrypoint", ref("command")),
              ("env_file", ref("string_or_list")),
              ("environment", ref("dict_or_list")),
              # format "expose" is never checked (docker registers no checker)
              ("expose", {"type": "array", "uniqueItems": True,
                          "items": t("string", "number", format="expose")}),
              ("external_links", ref("unique_strings")),
              ("extra_hosts", ref("dict_or_list")),
              ("healthcheck", ref("healthcheck")),
              ("hostname", STR),
              ("image", STR),
              ("init", since(v, 7, BOOL)),
              ("ipc", STR),
              ("isolation", since(v, 5, STR)),
              ("labels", ref("dict_or_list")),
              ("links", ref("unique_strings")),
              ("logging", obj({"driver": STR,
                               "options": {"type": "object",
                                           "patternProperties": {
                                               "^.+$": t("string", "number", "null")}}})),
              ("mac_address", STR),
              ("network_mode", STR),
              ("networks", service_networks(v)),
              ("oom_score_adj", since(v, 13, INT)),
              ("pid", t("string", "null")),
              ("ports", ports(v)),
              ("privileged", BOOL),
              ("read_only", BOOL),
              ("restart", STR),
              ("secrets", since(v, 1, ref("file_refs"))),
              ("security_opt", ref("unique_strings")),
              ("shm_size", t("number", "string")),
              ("stdin_open", BOOL),
              ("stop_grace_period", ref("duration")),
              ("stop_signal", STR),
              ("sysctls", ref("dict_or_list")),
              ("tmpfs", ref("string_or_list")),
              ("tty", BOOL),
              ("ulimits", {"type": "object",
                           "patternProperties": {"^[a-z]+$": {"oneOf": [
                               INT,
                               obj({"hard": INT, "soft": INT}, required=["soft", "hard"])]}}}),
              ("user", STR),
              ("userns_mode", STR),
              ("volumes", service_volumes(v)),
              ("working_dir", STR))
    s = obj(p)
    if v >= 7:
        s["patternProperties"] = EXT
    return s


def healthcheck(v):
    dur = ref("duration") if v >= 4 else STR
    return obj(props(v,
                     ("disable", BOOL),
                     ("interval", dur),
                     ("retries", NUM),
                     ("start_interval", since(v, 12, dur)),
                     ("start_period", since(v, 4, dur)),
                     ("test", ref("command")),
                     ("timeout", dur)))


def external(closed):
    return obj({"name": STR}, closed=True if closed else None, type=["boolean", "object"])


def network(v):
    ipam = obj({"driver": STR,
                "config": {"type": "array", "items": obj({"subnet": STR})}})
    s = obj(props(v,
                  ("name", since(v, 5, STR)),
                  ("driver", STR),
                  ("driver_opts", ref("options")),
                  ("ipam", ipam),
                  ("external", external(True)),
                  ("internal", BOOL),
                  ("attachable", since(v, 2, BOOL)),
                  ("labels", ref("dict_or_list"))),
            type=["object", "null"])
    if v >= 7:
        s["patternProperties"] = EXT
    return s


def cluster_spec():
    def open_obj(p):
        return obj(p, closed=None)
    segments = {"type": "array", "items": open_obj({"segments": ref("dict_or_list")})}
    return open_obj({
        "group": STR,
        "access_mode": open_obj({
            "scope": STR,
            "sharing": STR,
            "block_volume": {"type": "object"},
            "mount_volume": open_obj({"fs_type": STR, "mount_flags": ref("strings")}),
        }),
        "accessibility_requirements": open_obj({"requisite": segments,
                                                "preferred": segments}),
        "capacity_range": open_obj({"required_bytes": STR, "limit_bytes": STR}),
        "availability": STR,
    })


def volume(v):
    s = obj(props(v,
                  ("name", since(v, 4, STR)),
                  ("driver", STR),
                  ("driver_opts", ref("options")),
                  ("external", external(True)),
                  ("labels", ref("dict_or_list")),
                  ("x-cluster-spec", since(v, 10, cluster_spec()))),
            type=["object", "null"])
    if v >= 7:
        s["patternProperties"] = EXT
    return s


def secret_or_config(v, is_secret):
    s = obj(props(v,
                  ("name", since(v, 5, STR)),
                  ("file", STR),
                  ("external", external(False)),
                  ("labels", ref("dict_or_list")),
                  ("driver", since(v, 8, STR) if is_secret else None),
                  ("driver_opts", since(v, 8, ref("options")) if is_secret else None),
                  ("template_driver", since(v, 8, STR))))
    if v >= 7:
        s["patternProperties"] = EXT
    return s


def definitions(v):
    d = {
        "command": {"oneOf": [STR, ref("strings")]},
        "deploy": deploy(v),
        "dict_or_list": {"oneOf": [
            {"type": "object",
             "patternProperties": {".+": t("string", "number", "null")},
             "additionalProperties": False},
            ref("unique_strings")]},
        "duration": t("string", format="duration"),
        "healthcheck": healthcheck(v),
        "network": network(v),
        "options": {"type": "object", "patternProperties": {"^.+$": t("string", "number")}},
        "service": service(v),
        "string_or_list": {"oneOf": [STR, ref("unique_strings")]},
        "strings": {"type": "array", "items": STR},
        "unique_strings": {"type": "array", "items": STR, "uniqueItems": True},
        "update_config": update_config(v),
        "volume": volume(v),
    }
    if v >= 1:
        d["file_refs"] = file_ref()
        d["secret"] = secret_or_config(v, True)
    if v >= 3:
        d["config"] = secret_or_config(v, False)
    if v >= 5:
        d["generic_resources"] = {"type": "array", "items": obj({
            "discrete_resource_spec": obj({"kind": STR, "value": NUM})})}
    else:
        d["resources"] = obj({"cpus": STR, "memory": STR})
    return d


def schema(v):
    top = props(v,
                ("version", STR),
                ("services", named_map("service")),
                ("networks", named_map("network", closed=False)),
                ("volumes", named_map("volume")),
                ("secrets", since(v, 1, named_map("secret"))),
                ("configs", since(v, 3, named_map("config"))))
    s = {"$schema": "http://json-schema.org/draft-04/schema#",
         "description": "stackc: compose file format 3.%d as docker stack accepts it "
                        "(generated by schemas/mkschemas.py)" % v,
         "type": "object"}
    if v <= 9:
        s["required"] = ["version"]
    s["properties"] = top
    if v >= 4:
        s["patternProperties"] = EXT
    s["additionalProperties"] = False
    s["definitions"] = definitions(v)
    return s


def dump(x, indent=0, width=96):
    """JSON with short objects and lists kept on one line."""
    flat = json.dumps(x, ensure_ascii=False)
    if len(flat) + indent <= width or not isinstance(x, (dict, list)) or not x:
        return flat
    pad = "  " * (indent // 2 + 1)
    end = "  " * (indent // 2)
    if isinstance(x, list):
        items = [pad + dump(e, indent + 2, width) for e in x]
        return "[\n" + ",\n".join(items) + "\n" + end + "]"
    items = [pad + json.dumps(k) + ": " + dump(e, indent + 2, width) for k, e in x.items()]
    return "{\n" + ",\n".join(items) + "\n" + end + "}"


def main():
    outdir = os.path.dirname(os.path.abspath(__file__))
    for v in range(14):
        path = os.path.join(outdir, "v3.%d.json" % v)
        with open(path, "w", encoding="utf-8") as f:
            f.write(dump(schema(v)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
