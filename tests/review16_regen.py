"""Update the stored answer digests ONLY where review 16 means to change an answer.
Usage: python tests/review16_regen.py [--write]   (run from the worktree root; not collected by pytest)

A model someone else declares under L is L's material (target.derived) only when it states no
weights parent: one that takes its weights from others is L's material only through them. The
answers that change are listed with their status before (/work/baseline, a98f079) and after."""
import gzip, json, hashlib, subprocess, sys
sys.path.insert(0, "tests"); sys.path.insert(0, "benchmarks")
import engine_requests, test_pyside2
from reasoner import Reasoner
from reasoner.examples import example_request

BASELINE = "/work/baseline"
BASELINE_PYTHON = "/work/main/.venv/bin/python"
write = "--write" in sys.argv
R = Reasoner(cache_size=0)


def statuses(docs, code):
    """Each document's status (or error class) as the code at `code` answers it, in a subprocess."""
    script = ("import json,sys\nsys.path.insert(0,%r)\nfrom reasoner import Reasoner\nr=Reasoner(cache_size=0)\n"
              "out=[]\nfor d in json.load(sys.stdin):\n    try: out.append(r.ask(d).status)\n"
              "    except Exception as e: out.append(type(e).__name__)\nprint(json.dumps(out))" % code)
    run = subprocess.run([BASELINE_PYTHON, "-c", script], input=json.dumps(docs), capture_output=True,
                         text=True, cwd=code, env={"PYTHONPATH": code, "PATH": "/usr/bin:/bin"})
    return json.loads(run.stdout) if run.returncode == 0 else ["?"] * len(docs)


def status(doc):
    try:
        return R.ask(doc).status
    except Exception as exc:   # noqa: BLE001
        return type(exc).__name__


changes = {}
# 1. 10,000 generated requests
docs = engine_requests.requests()
data = gzip.decompress(engine_requests.DIGESTS.read_bytes()); n = engine_requests.DIGEST_BYTES
stored = [data[i:i + n] for i in range(0, len(data), n)]
got = engine_requests.answer_digests(R, docs, batch_size=500)
engine_changed = [i for i, (a, b) in enumerate(zip(got, stored)) if a != b]
before = statuses([docs[i] for i in engine_changed], BASELINE)
changes["engine"] = [(i, b, status(docs[i])) for i, b in zip(engine_changed, before)]
# 2. pyside2 fingerprints (430 answers of 400 documents)
pdocs = test_pyside2.documents()
pdata = gzip.decompress(test_pyside2.FINGERPRINTS.read_bytes()); m = test_pyside2.FINGERPRINT_BYTES
pstored = [pdata[i:i + m] for i in range(0, len(pdata), m)]
pgot = test_pyside2.fingerprints()
pchanged = [i for i, (a, b) in enumerate(zip(pgot, pstored)) if a != b]
pindex = list(range(len(pdocs))) + list(range(15)) + list(range(200, 215))
before = statuses([pdocs[pindex[i]] for i in pchanged], BASELINE)
changes["pyside2"] = [(i, b, status(pdocs[pindex[i]])) for i, b in zip(pchanged, before)]
# 3. every bundled example
ex = json.loads(gzip.decompress(engine_requests.EXAMPLE_DIGESTS.read_bytes()))
exg = engine_requests.example_digests(R, batch_size=500)
ex_changed = sorted(k for k in ex if exg.get(k) != ex[k])
added = sorted(k for k in exg if k not in ex)


def example_doc(key):
    lid, number = key.rsplit("#", 1)
    lic = R.kb.licenses[lid].license
    return example_request(lic, lic.examples[int(number)])


before = statuses([example_doc(k) for k in ex_changed], BASELINE)
changes["examples"] = [(k, b, status(example_doc(k))) for k, b in zip(ex_changed, before)]
changes["examples_added"] = [(k, None, status(example_doc(k))) for k in added]
# 4. remedy digests of every 12th example
remedy = json.loads(open("tests/data/remedy-example-digests.json").read())
new_rows, remedy_changed = [], []
for lid, index, old_status, count, digest in remedy["examples"]:
    lic = R.kb.licenses[lid].license
    request = example_request(lic, lic.examples[index])
    request["remedies"] = True
    answer = R.ask(request)
    line = json.dumps(answer.to_json(), sort_keys=False, ensure_ascii=False)
    new = hashlib.sha256(line.encode()).hexdigest()
    if new != digest:
        remedy_changed.append((f"{lid}#{index}", old_status, answer.status, count, len(answer.remedies)))
    new_rows.append([lid, index, answer.status, len(answer.remedies), new])
changes["remedy_examples"] = remedy_changed

order = {"permitted": 0, "depends": 1, "unknown": 2, "forbidden": 3}
for store, rows in changes.items():
    print(f"{store}: {len(rows)} changed")
    for row in rows:
        key, old, new = row[:3]
        toward_yes = old in order and new in order and order[new] < order[old]
        print(f"  {key}: {old} -> {new}{'   TOWARD YES' if toward_yes else ''}{'' if len(row) < 4 else f'  remedies {row[3]} -> {row[4]}'}")
if write:
    engine_requests.DIGESTS.write_bytes(gzip.compress(b"".join(got), mtime=0))
    test_pyside2.FINGERPRINTS.write_bytes(gzip.compress(b"".join(pgot), mtime=0))
    engine_requests.EXAMPLE_DIGESTS.write_bytes(gzip.compress(json.dumps(exg, sort_keys=True).encode(), mtime=0))
    remedy["examples"] = new_rows
    with open("tests/data/remedy-example-digests.json", "w") as out:
        out.write(json.dumps(remedy, indent=0))
    print("written")
