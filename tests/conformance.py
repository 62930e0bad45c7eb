#!/usr/bin/env python3
"""Conformance stage: replay docker's recorded `docker stack config` cases.

For every case in ../shared/reference/stack-config-cases (and the
compose-fixtures full example):
  * `--compat=docker` must give byte-identical stdout and the same exit
    status; where docker failed naming a path, stackc must name the same path;
  * the default (specification) mode may differ from docker only where
    stackc warned that docker reads an interpolation differently.
`deploy` cases run `stackc diff` against an unreachable daemon: a file that
loads reaches the Engine (exit 3, as docker reached "Cannot connect"), a bad
one fails with exit 1 before any connection.
Skips with a message when ../shared is absent.
"""
import json, os, re, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# real paths: stackc prints the working directory as getcwd() gives it, symlinks resolved
SHARED = os.path.realpath(os.path.join(os.path.dirname(ROOT), "shared"))
BIN = os.path.join(ROOT, os.environ.get("BUILD", "build"), "stackc")
CASES = os.path.join(SHARED, "reference", "stack-config-cases")
FIXTURES = os.path.join(SHARED, "reference", "compose-fixtures")

def run(args, cwd, env):
    e = {"PATH": "/usr/bin:/bin", "HOME": "/home/user"}
    e.update(env)
    p = subprocess.run([BIN] + args, cwd=cwd, env=e, capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")

def docker_path(stderr):
    """The path docker's single error names, in stackc's dotted form, or None."""
    first = stderr.strip().split("\n")[0]
    m = re.match(r"^((?:services|networks|volumes|secrets|configs)(?:\.[^ ]+)*|\(root\)) ", first)
    if not m:
        return None
    return m.group(1)

def our_paths(stderr):
    """Paths in stackc's diagnostics, converted to docker's form (items as .N)."""
    out = []
    for line in stderr.split("\n"):
        m = re.match(r"^[^:]*(?::\d+:\d+)?: (?:error|warning): ([^ ]+): ", line)
        if not m:
            continue
        p = m.group(1)
        p = re.sub(r'\[(\d+)\]', r'.\1', p)
        p = re.sub(r'\["((?:[^"\\]|\\.)*)"\]', r'.\1', p)
        out.append(p.lstrip("."))
    return out

def main():
    if not os.path.isdir(CASES):
        print("conformance: skipped: ../shared/reference is absent")
        print("conformance: 0 passed, 0 failed, 1 skipped")
        return 0
    passed = failed = 0
    spec_same = spec_warned = 0
    for name in sorted(os.listdir(CASES)):
        d = os.path.join(CASES, name)
        cj = os.path.join(d, "case.json")
        if not os.path.isfile(cj):
            continue
        case = json.load(open(cj))
        argv, env, want_rc = case["argv"], case.get("env", {}), case["exit_code"]
        # docker ran in /stackc-case: put our paths in those terms ("../x" there is "/x")
        exp_out = open(os.path.join(d, "expected.stdout")).read()
        def as_recorded(text, d=d):
            return text.replace(d, "/stackc-case").replace(os.path.dirname(d) + "/", "/")
        exp_err = open(os.path.join(d, "expected.stderr")).read()
        mode = argv[2]
        rest = argv[3:]
        problems = []
        if mode == "deploy":
            stack = rest[-1] if rest and not rest[-1].startswith("-") else "st"
            loads = "Cannot connect to the Docker daemon" in exp_err
            args = ["diff", "--compat=docker"] + rest
            e = dict(env, DOCKER_HOST="unix:///nonexistent/stackc-conformance.sock")
            rc, out, err = run(args, d, e)
            if loads and rc != 3:
                problems.append("docker loaded the files (then failed to connect); stackc exit %d, expected 3" % rc)
            if not loads and rc != 1:
                problems.append("docker rejected the files; stackc exit %d, expected 1" % rc)
        else:
            rc, out, err = run(["config", "--compat=docker"] + rest, d, env)
            out = as_recorded(out)
            if rc != want_rc:
                problems.append("exit %d, expected %d" % (rc, want_rc))
            if out != exp_out:
                problems.append("stdout differs")
            dp = docker_path(exp_err) if want_rc else None
            if dp and dp != "(root)" and want_rc:
                ours = our_paths(err)
                if not any(p == dp or p.startswith(dp + ".") or dp.startswith(p + ".") for p in ours):
                    problems.append("docker names %s, stackc names %s" % (dp, ours or "no path"))
            # specification mode: every difference is warned about with --docker-compat-report
            # (by default, values that differ only because docker stack reads no .env are not)
            rc2, out2, err2 = run(["config", "--docker-compat-report"] + rest, d, env)
            out2 = as_recorded(out2)
            if rc2 == rc and out2 == out:
                spec_same += 1
            elif "docker" in err2 and "warning" in err2:
                spec_warned += 1
            else:
                problems.append("default mode differs from --compat=docker without a warning")
        if problems:
            failed += 1
            print("FAIL %s: %s" % (name, "; ".join(problems)))
            if "stdout differs" in problems:
                import difflib
                for l in list(difflib.unified_diff(exp_out.splitlines(), out.splitlines(), "docker", "stackc", lineterm=""))[:25]:
                    print("    " + l)
            if err.strip():
                print("    stderr: " + err.strip().split("\n")[0][:200])
        else:
            passed += 1
    # docker/cli's full example (its README: workdir /foo, HOME=/bar)
    if os.path.isdir(FIXTURES):
        gold = open(os.path.join(FIXTURES, "full-example.yaml.golden")).read().replace("/foo", FIXTURES)
        rc, out, err = run(["config", "--compat=docker", "-c", "full-example.yml"], FIXTURES,
                           {"HOME": "/bar", "QUX": "qux_from_environment"})
        if rc == 0 and out == gold:
            passed += 1
        else:
            failed += 1
            print("FAIL full-example: exit %d%s" % (rc, "" if out == gold else ", stdout differs"))
            import difflib
            for l in list(difflib.unified_diff(gold.splitlines(), out.splitlines(), "golden", "stackc", lineterm=""))[:25]:
                print("    " + l)
            if err.strip():
                print("    stderr: " + err.strip().split("\n")[0][:200])
    print("conformance: default mode identical on %d config cases, differs with a warning on %d" % (spec_same, spec_warned))
    print("conformance: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0

if __name__ == "__main__":
    sys.exit(main())
