#!/usr/bin/env bash
# deploy/kubernetes: the manifests hold together.  The load Job is an
# Indexed Job whose N (completions == parallelism) is the N of its
# --shard $JOB_COMPLETION_INDEX/N, with JOB_COMPLETION_INDEX taken from the
# pod's completion-index annotation; it loads a loopback --target; every
# volume mounted is declared; the merge Job reads the directory the shards
# write, from the same claim, and waits for N reports; the kustomization
# lists every manifest; the container file builds on Debian 12 with the
# README's build.  No cluster is needed (python3-yaml reads the files).
. "$SRCDIR/tests/integration/lib.sh"

python3 - "$SRCDIR/deploy/kubernetes" <<'PY' || fail "deploy/kubernetes manifests"
import os, re, sys, yaml

d = sys.argv[1]
docs = {}
for f in sorted(os.listdir(d)):
    if f.endswith(".yaml"):
        for doc in yaml.safe_load_all(open(os.path.join(d, f))):
            assert doc is not None, f
            docs.setdefault(doc["kind"], []).append((f, doc))

kust = docs["Kustomization"][0][1]
listed = set(kust["resources"])
for kind, items in docs.items():
    for f, _ in items:
        assert kind == "Kustomization" or f in listed, "%s is not in kustomization.yaml" % f

jobs = {doc["metadata"]["name"]: (f, doc) for f, doc in docs["Job"]}
assert set(jobs) == {"hybridns-load", "hybridns-load-merge"}, set(jobs)
pvcs = {doc["metadata"]["name"] for _, doc in docs["PersistentVolumeClaim"]}
assert "ReadWriteMany" in docs["PersistentVolumeClaim"][0][1]["spec"]["accessModes"]


def check_volumes(f, pod):
    """Every mount names a declared volume; every claim exists; returns {volume: mountPath}."""
    vols = {v["name"]: v for v in pod["volumes"]}
    mounts = {}
    for c in pod["containers"]:
        for m in c.get("volumeMounts", []):
            assert m["name"] in vols, "%s: mount %s has no volume" % (f, m["name"])
            mounts[m["name"]] = m["mountPath"]
    for v in vols.values():
        if "persistentVolumeClaim" in v:
            assert v["persistentVolumeClaim"]["claimName"] in pvcs, (f, v)
    assert set(mounts) == set(vols), "%s: a volume is never mounted" % f
    return vols, mounts


# The load Job.
f, job = jobs["hybridns-load"]
spec = job["spec"]
assert job["apiVersion"] == "batch/v1"
assert spec["completionMode"] == "Indexed", spec.get("completionMode")
n = spec["completions"]
assert isinstance(n, int) and n >= 1 and spec["parallelism"] == n, (spec["completions"], spec["parallelism"])
assert spec["backoffLimit"] == 0 and spec["activeDeadlineSeconds"] > 0  # bounded
pod = spec["template"]["spec"]
assert pod["restartPolicy"] == "Never"
assert pod.get("hostNetwork") is True  # the resolver is on the node's loopback
(c,) = pod["containers"]
env = {e["name"]: e for e in c["env"]}
idx = env["JOB_COMPLETION_INDEX"]["valueFrom"]["fieldRef"]["fieldPath"]
assert idx == "metadata.annotations['batch.kubernetes.io/job-completion-index']", idx
cmd = " ".join(c["command"] + c["args"])
assert re.search(r'--shard "\$JOB_COMPLETION_INDEX/%d"' % n, cmd), cmd
assert "/usr/local/bin/hybridns load " in cmd and "--format json" in cmd, cmd
out = re.search(r'-o "([^"]+)/shard-\$JOB_COMPLETION_INDEX\.json"', cmd)
assert out, cmd
assert re.search(r'--target "\$TARGET"', cmd) and env["TARGET"]["value"].startswith("127."), env["TARGET"]
for var in re.findall(r'\$([A-Z_]+)', cmd):
    assert var in env, "%s: $%s used but not in env" % (f, var)
vols, mounts = check_volumes(f, pod)
assert mounts["results"] == out.group(1), (mounts, out.group(1))
assert vols["scenario"]["configMap"]["name"] == "hybridns-scenario"
assert "/scenario/scenario.yaml" in cmd and mounts["scenario"] == "/scenario"
load_claim = vols["results"]["persistentVolumeClaim"]["claimName"]
image = c["image"]

# The merge Job: one pod, the same claim and directory, N reports.
f, mj = jobs["hybridns-load-merge"]
ms = mj["spec"]
assert ms.get("completionMode", "NonIndexed") == "NonIndexed" and ms["completions"] == 1 == ms["parallelism"]
assert ms["activeDeadlineSeconds"] > 0
mpod = ms["template"]["spec"]
(mc,) = mpod["containers"]
assert mc["image"] == image
menv = {e["name"]: e for e in mc["env"]}
assert int(menv["SHARDS"]["value"]) == n, (menv["SHARDS"], n)
mvols, mmounts = check_volumes(f, mpod)
assert mvols["results"]["persistentVolumeClaim"]["claimName"] == load_claim
mcmd = " ".join(mc["command"] + mc["args"])
assert "hybridns load merge %s/shard-*.json" % mmounts["results"] in mcmd, mcmd
assert mmounts["results"] == mounts["results"]
assert re.search(r'-le \d+ \]', mcmd), "the wait for the shards is not bounded: " + mcmd

# The container file: Debian 12, the README's build (deps.sh, meson, ninja).
cf = open(os.path.join(d, "Containerfile")).read()
froms = re.findall(r'^FROM (\S+)', cf, re.M)
assert froms and all(x == "debian:12" for x in froms), froms
assert "bash scripts/deps.sh" in cf and "meson setup build" in cf and "ninja -C build" in cf
assert 'ENTRYPOINT ["/usr/local/bin/hybridns"]' in cf
assert image.startswith("hybridns:")
PY

# The merge Job's shell runs as written: with N reports present it merges
# them (the real binary standing in for the image's).
f="$SRCDIR/deploy/kubernetes/merge-job.yaml"
script=$(python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["spec"]["template"]["spec"]["containers"][0]["args"][0])' "$f")
mkdir -p "$TMP/results"
sc="$TMP/ext.yaml"
sed '/^load:/,$d' "$SRCDIR/scenarios/shared-services.yaml" >"$sc"
cat >>"$sc" <<'YAML'
load:
  external:
    from: onprem
    qps: 40
    duration: 1s
    mix:
      - {query: "q{seq}.example.com A", weight: 1}
YAML
# a target nobody answers: every query is lost, the reports still merge
port=$(free_port)
spids=()
for i in 0 1 2 3; do
	"$HYBRIDNS" load "$sc" --target "127.0.0.1:$port" --shard "$i/4" --quiet --format json -o "$TMP/results/shard-$i.json" &
	spids+=($!)
done
for p in "${spids[@]}"; do wait "$p" || fail "a shard exited $?"; done
mkdir -p "$TMP/bin"
ln -s "$HYBRIDNS" "$TMP/bin/hybridns"
script=${script//\/usr\/local\/bin\/hybridns/$TMP/bin/hybridns}
script=${script//\/results/$TMP/results}
out=$(SHARDS=4 sh -c "$script") || fail "merge job script exited $?: $out"
echo "$out" | grep -q "merged 4 reports" || fail "merge job output: $out"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); p=d["profiles"][0]; assert p["intended"] == 40 and p["lost"] == 40, p' \
	"$TMP/results/merged.json" || fail "merged.json"
echo ok
