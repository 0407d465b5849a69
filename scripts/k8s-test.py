#!/usr/bin/env python3
"""The Kubernetes recipe (scripts/k8s-indexed-job.yaml) checked without a cluster.

    python3 scripts/k8s-test.py [--bin target/release/minesim] [--runs 3]

1. Schema: both Jobs are validated with `kubernetes-validate --strict`
   against Kubernetes 1.29 (the first with `backoffLimitPerIndex`) and the
   tool's default version (needs the PyPI package kubernetes-validate next
   to this Python, as .ci/run installs it; without it the check fails).
2. Index handling: the shards Job must be an Indexed Job whose
   `--shard "${JOB_COMPLETION_INDEX}/N"` has N equal to `completions`.
   Each pod's command is run here as Kubernetes would run it, with
   JOB_COMPLETION_INDEX = 0 .. completions-1 and the volume's /data mapped
   to a temporary folder (the scenario copied to where the manifest reads
   it); `--runs R` is appended to keep the test small. One pod is run a
   second time, as after an eviction (the manifest passes --resume).
3. The merge Job's command is run, and its result must be byte-identical
   to a one-machine `minesim run` of the same scenario and runs.

Needs PyYAML (pip install pyyaml). Exit code 0 only when all of it holds.
"""

import filecmp
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MANIFEST = os.path.join(ROOT, "scripts", "k8s-indexed-job.yaml")


def fail(msg):
    print(f"k8s-test: FAILED: {msg}", file=sys.stderr)
    sys.exit(1)


def say(msg):
    print(f"k8s-test: {msg}", file=sys.stderr)


def parse_args(argv):
    binary, runs = os.path.join(ROOT, "target", "release", "minesim"), 3
    i = 0
    while i < len(argv):
        if argv[i] == "--bin" and i + 1 < len(argv):
            binary = argv[i + 1]
            i += 2
        elif argv[i] == "--runs" and i + 1 < len(argv):
            runs = int(argv[i + 1])
            i += 2
        else:
            fail(f"unknown argument {argv[i]!r} (see the docstring)")
    return os.path.abspath(binary), runs


def validate_schema():
    tool = os.path.join(os.path.dirname(sys.executable), "kubernetes-validate")
    if not os.path.exists(tool):
        tool = shutil.which("kubernetes-validate")
    if not tool:
        fail("kubernetes-validate not found (pip install kubernetes-validate)")
    for version in (["-k", "1.29.0"], []):
        r = subprocess.run([tool, "--strict", *version, MANIFEST], capture_output=True, text=True)
        if r.returncode != 0:
            fail(f"schema validation {' '.join(version) or '(default version)'}:\n{r.stdout}{r.stderr}")
    say("schema: both Jobs pass kubernetes-validate --strict (1.29 and default)")


def jobs():
    import yaml

    with open(MANIFEST) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    by_step = {d["metadata"]["labels"].get("step"): d for d in docs}
    if set(by_step) != {"shards", "merge"}:
        fail(f"expected Jobs labelled step=shards and step=merge, got {sorted(map(str, by_step))}")
    return by_step["shards"], by_step["merge"]


def container(job):
    cs = job["spec"]["template"]["spec"]["containers"]
    if len(cs) != 1:
        fail(f"{job['metadata']['name']}: expected one container, got {len(cs)}")
    return cs[0]


def on_volume(text, data):
    """The command's paths on the volume mounted at /data, mapped to `data`."""
    return re.sub(r"(?<![\w/])/data(?=/|\b)", data, text)


def run(cmd, env, what):
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"{what} exited {r.returncode}:\n{r.stderr}")


def main(argv):
    binary, runs = parse_args(argv)
    if not os.access(binary, os.X_OK):
        fail(f"no minesim binary at {binary} (cargo build --release)")
    validate_schema()
    shards, merge = jobs()
    spec = shards["spec"]
    if spec.get("completionMode") != "Indexed":
        fail("the shards Job is not an Indexed Job (completionMode: Indexed)")
    n = spec["completions"]
    c = container(shards)
    if c.get("command") != ["sh", "-c"] or len(c.get("args", [])) != 1:
        fail("the shards container must run one `sh -c` script")
    script = c["args"][0]
    m = re.search(r'--shard\s+"?\$\{JOB_COMPLETION_INDEX\}/(\d+)"?', script)
    if not m:
        fail('the shards script has no --shard "${JOB_COMPLETION_INDEX}/N"')
    if int(m.group(1)) != n:
        fail(f"--shard .../{m.group(1)} but completions: {n}: keep them equal")
    scen = re.search(r"minesim run (\S+)", script)
    if not scen or not scen.group(1).startswith("/data/scenarios/"):
        fail("the shards script must run a scenario under /data/scenarios/")
    name = os.path.basename(scen.group(1))
    local = os.path.join(ROOT, "scenarios", name)
    if not os.path.exists(local):
        fail(f"the manifest runs {name}, which is not in scenarios/")

    tmp = tempfile.mkdtemp(prefix="minesim-k8s.")
    try:
        data = os.path.join(tmp, "data")
        os.makedirs(os.path.join(data, "scenarios"))
        shutil.copy(local, os.path.join(data, "scenarios", name))
        env = dict(os.environ)
        env["PATH"] = os.path.dirname(binary) + os.pathsep + env.get("PATH", "")
        if os.path.basename(binary) != "minesim":
            fail("the binary must be called minesim (the manifest calls it by name)")
        pod = on_volume(script, data) + f" --runs {runs}"
        for i in list(range(n)) + [n // 2]:
            run(["sh", "-c", pod], {**env, "JOB_COMPLETION_INDEX": str(i)}, f"shard pod {i}")
        say(f"ran the {n} shard pods' command with JOB_COMPLETION_INDEX = 0..{n - 1}, and pod {n // 2} again")
        mc = container(merge)
        run([on_volume(a, data) for a in mc["command"] + mc.get("args", [])], env, "merge pod")
        results = os.path.join(data, "out", "results")
        one = os.path.join(tmp, "one")
        run([binary, "run", os.path.join(data, "scenarios", name), "--runs", str(runs), "--out", one, "--quiet"], env, "one-machine run")
        files = sorted(f for f in os.listdir(one) if not f.startswith("."))
        merged = sorted(f for f in os.listdir(results) if not f.startswith("."))
        if files != merged:
            fail(f"different files: one machine {files}, merged {merged}")
        _, diff, errors = filecmp.cmpfiles(one, results, files, shallow=False)
        if diff or errors:
            fail(f"merged files differ from the one-machine run: {diff + errors}")
        say(f"identical: {len(files)} files of the merged result match the one-machine run")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
