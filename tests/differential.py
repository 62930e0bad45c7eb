#!/usr/bin/env python3
"""Differential stage over ../shared/corpus: stackc config vs docker stack config.

Each MANIFEST.tsv case (files in -f order, env) is run through
`stackc config --compat=docker` and through `docker stack config` (the live
docker 28.2.2 CLI when it is installed, else the recorded output). Outputs
are compared parsed (YAML → data), so formatting alone never fails a case;
where docker rejects a case stackc must reject it too. Prints one line per
case and a summary; then, for every case docker rejects only because of
Compose Specification or 2.x features (its error names one), whether
`stackc config` (no --compat) lowers it to a file that `docker stack config`
accepts (a figure, live docker only; it does not fail the stage); the stage fails when fewer than 95 % of the cases docker
accepts are equal. Skips with a message when ../shared is absent.
"""
import os, re, subprocess, sys

try:
    import yaml
except ImportError:
    yaml = None

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.realpath(os.path.dirname(ROOT))
CORPUS = os.path.join(WORK, "shared", "corpus")
BIN = os.path.join(ROOT, os.environ.get("BUILD", "build"), "stackc")
DOCKER = "/usr/local/bin/docker"
# docker's errors that name a Compose Specification or 2.x feature
SPEC_REASON = re.compile(r"must be a list|Additional property (name|profiles|platform|pull_policy|"
                         r"develop|scale|cpus|mem_limit|mem_reservation|memswap_limit|include|"
                         r"models|extends|post_start|pre_stop|gpus) is not allowed|"
                         r"unsupported Compose file version: [12]|not supported by docker stack")

def live_docker_ok():
    try:
        p = subprocess.run([DOCKER, "stack", "config", "--help"], capture_output=True, timeout=20)
        return p.returncode == 0
    except Exception:
        return False

def run(cmd, cwd, env, stdin=None):
    e = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/home/stackc", "LANG": "C.UTF-8", "PWD": cwd}
    e.update(env)
    p = subprocess.run(cmd, cwd=cwd, env=e, capture_output=True, timeout=120,
                       input=stdin.encode() if stdin is not None else None)
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
    spec_cases = []
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
            if SPEC_REASON.search(derr if live else open(base + "err").read() if os.path.exists(base + "err") else ""):
                spec_cases.append((case_id, args, cwd, env))
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
    if live:
        lowered = 0
        for case_id, args, cwd, env in spec_cases:
            src, sout, serr = run([BIN, "config"] + args, cwd, env)
            why = serr.strip().split("\n")[-1][:200] if src else ""
            if not src:
                # from stdin, in the case's directory: relative paths resolve as for the input
                drc, _, derr = run([DOCKER, "stack", "config", "-c", "-"], cwd, env, sout)
                why = "" if drc == 0 else "docker rejects the output: " + derr.strip()[:200]
            lowered += not why
            print("%s %s (spec/2.x)%s" % ("OK  " if not why else "MISS", case_id,
                                         ": " + why if why else ""))
        print("differential: %d of %d cases docker rejects for spec/2.x features lowered to a file docker accepts"
              % (lowered, len(spec_cases)))
    ok = pct >= 95.0 and mismatched == 0
    print("differential: %d passed, %d failed" % (1 if ok else 0, 0 if ok else 1))
    return 0 if ok else 1

if __name__ == "__main__":
    sys.exit(main())
