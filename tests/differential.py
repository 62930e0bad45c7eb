#!/usr/bin/env python3
"""Differential stage over ../shared/corpus: stackc config vs docker stack config.

Each MANIFEST.tsv case (files in -f order, env) is run through
`stackc config --compat=docker` and through `docker stack config` (the live
docker 28.2.2 CLI when it is installed, else the recorded output). Outputs
are compared parsed (YAML → data), so formatting alone never fails a case;
where docker rejects a case stackc must reject it too. Prints one line per
case and a summary; the stage fails when fewer than 95 % of the cases docker
accepts are equal. Skips with a message when ../shared is absent.
"""
import os, subprocess, sys

try:
    import yaml
except ImportError:
    yaml = None

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.realpath(os.path.dirname(ROOT))
CORPUS = os.path.join(WORK, "shared", "corpus")
BIN = os.path.join(ROOT, os.environ.get("BUILD", "build"), "stackc")
DOCKER = "/usr/local/bin/docker"

def live_docker_ok():
    try:
        p = subprocess.run([DOCKER, "stack", "config", "--help"], capture_output=True, timeout=20)
        return p.returncode == 0
    except Exception:
        return False

def run(cmd, cwd, env):
    e = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/home/stackc", "LANG": "C.UTF-8", "PWD": cwd}
    e.update(env)
    p = subprocess.run(cmd, cwd=cwd, env=e, capture_output=True, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")

def main():
    man = os.path.join(CORPUS, "MANIFEST.tsv")
    if not os.path.isfile(man):
        print("differential: skipped: ../shared/corpus is absent")
        print("differential: 0 passed, 0 failed, 1 skipped")
        return 0
    if yaml is None:
        print("differential: skipped: python3-yaml is not installed")
        print("differential: 0 passed, 0 failed, 1 skipped")
        return 0
    live = live_docker_ok()
    print("differential: docker reference: %s" % ("live docker stack config" if live else "recorded outputs"))
    accepted = equal = rejected_both = mismatched = 0
    lines = open(man).read().splitlines()[1:]
    for line in lines:
        cols = line.split("\t")
        case_id, files, envs = cols[1], cols[2].split(","), (cols[6] if len(cols) > 6 else "")
        env = dict(kv.split("=", 1) for kv in envs.split(";") if "=" in kv)
        paths = [os.path.join(WORK, f) for f in files]
        cwd = os.path.dirname(paths[0])
        args = []
        for p in paths:
            args += ["-c", p]
        if live:
            drc, dout, derr = run([DOCKER, "stack", "config"] + args, cwd, env)
        else:
            base = os.path.join(CORPUS, "expected", case_id + ".docker-stack-config.")
            drc = int(open(base + "rc").read().strip() or "0")
            dout = open(base + "out").read().replace("/__ROOT__", WORK)
        src, sout, serr = run([BIN, "config", "--compat=docker"] + args, cwd, env)
        if drc != 0:
            if src != 0:
                rejected_both += 1
                print("OK   %s (both reject)" % case_id)
            else:
                mismatched += 1
                print("DIFF %s: docker rejects, stackc accepts" % case_id)
            continue
        accepted += 1
        if src != 0:
            print("DIFF %s: stackc rejects: %s" % (case_id, serr.strip().split("\n")[0][:200]))
            continue
        try:
            same = yaml.safe_load(dout) == yaml.safe_load(sout)
        except Exception as ex:
            same = False
            print("     (parse error: %s)" % ex)
        if same:
            equal += 1
            print("OK   %s%s" % (case_id, "" if dout == sout else " (same data, different text)"))
        else:
            print("DIFF %s: outputs differ" % case_id)
    pct = 100.0 * equal / accepted if accepted else 100.0
    print("differential: %d/%d accepted cases equal (%.1f%%), %d rejected by both, %d accepted by one only"
          % (equal, accepted, pct, rejected_both, mismatched))
    ok = pct >= 95.0 and mismatched == 0
    print("differential: %d passed, %d failed" % (1 if ok else 0, 0 if ok else 1))
    return 0 if ok else 1

if __name__ == "__main__":
    sys.exit(main())
