"""Update the stored answer digests ONLY where the session-5 gaps work means to change an answer.
Usage: python tests/gaps5_regen.py [--write]   (run from the worktree root; not collected by pytest)

Outputs received as data (rules.lp): the only intended change to the stored answers is the new
bundled examples (appended to their licenses' example lists, so no old key moves). Every other
stored answer (10,000 generated requests, 430 pyside2 fingerprints, every old example) must be
unchanged; the script refuses to write otherwise."""
import gzip, json, sys
sys.path.insert(0, "tests"); sys.path.insert(0, "benchmarks")
import engine_requests, test_pyside2
from reasoner import Reasoner

write = "--write" in sys.argv
R = Reasoner(cache_size=0)
data = gzip.decompress(engine_requests.DIGESTS.read_bytes()); n = engine_requests.DIGEST_BYTES
stored = [data[i:i + n] for i in range(0, len(data), n)]
got = engine_requests.answer_digests(R, engine_requests.requests(), batch_size=500)
engine_changed = [i for i, (a, b) in enumerate(zip(got, stored)) if a != b]
print("engine digests changed:", engine_changed[:20])
pdata = gzip.decompress(test_pyside2.FINGERPRINTS.read_bytes()); m = test_pyside2.FINGERPRINT_BYTES
pstored = [pdata[i:i + m] for i in range(0, len(pdata), m)]
pchanged = [i for i, (a, b) in enumerate(zip(test_pyside2.fingerprints(), pstored)) if a != b]
print("pyside2 fingerprints changed:", pchanged[:20])
ex = json.loads(gzip.decompress(engine_requests.EXAMPLE_DIGESTS.read_bytes()))
exg = engine_requests.example_digests(R, batch_size=500)
old_changed = [k for k in ex if exg.get(k) != ex[k]]
added = sorted(k for k in exg if k not in ex)
print("old example digests changed:", old_changed, "\nexamples added:", added)
if write and not engine_changed and not pchanged and not old_changed:
    engine_requests.EXAMPLE_DIGESTS.write_bytes(gzip.compress(json.dumps(exg, sort_keys=True).encode(), mtime=0))
    print("written")
