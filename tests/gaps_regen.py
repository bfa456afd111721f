"""Update the stored answer digests ONLY where the gaps fixes mean to change an answer.
Usage: python tests/gaps_regen.py [--write]   (run from the worktree root)

The gaps session (s4) changed answers on purpose; this recomputes every stored digest and updates
one only where `why` names the intended change, refusing to write if any other answer changed."""
import gzip, json, sys, collections
sys.path.insert(0, "tests"); sys.path.insert(0, "benchmarks")
import engine_requests, test_pyside2
from reasoner import Reasoner
from reasoner.vocabulary import HOSTING_FOR_OTHERS

def why(doc):
    """The gaps fix a changed answer is intended by, or None."""
    use = doc.get("use") or {}
    reasons = []
    if use.get("hosting") in HOSTING_FOR_OTHERS and "host" not in (use.get("acts") or []):
        reasons.append("hosting_is_host")
    return "+".join(reasons) or None

write = "--write" in sys.argv
R = Reasoner(cache_size=0)
# engine digests
data = gzip.decompress(engine_requests.DIGESTS.read_bytes()); n = engine_requests.DIGEST_BYTES
stored = [data[i:i+n] for i in range(0, len(data), n)]
docs = engine_requests.requests()
got = engine_requests.answer_digests(R, docs, batch_size=500)
count = collections.Counter(); unexplained = []
new = list(stored)
for i, (a, b) in enumerate(zip(got, stored)):
    if a != b:
        w = why(docs[i]); count[w] += 1
        if w: new[i] = a
        else: unexplained.append(i)
print("engine digests changed:", dict(count), "unexplained:", unexplained[:20])
changed_engine = [i for i in range(len(stored)) if new[i] != stored[i]]
# pyside2
pdocs = test_pyside2.documents(); pdocs = pdocs + pdocs[:15] + pdocs[200:215]
pdata = gzip.decompress(test_pyside2.FINGERPRINTS.read_bytes()); m = test_pyside2.FINGERPRINT_BYTES
pstored = [pdata[i:i+m] for i in range(0, len(pdata), m)]
pgot = test_pyside2.fingerprints()
pc = collections.Counter(); pun = []; pnew = list(pstored)
for i, (a, b) in enumerate(zip(pgot, pstored)):
    if a != b:
        w = why(pdocs[i]); pc[w] += 1
        if w: pnew[i] = a
        else: pun.append(i)
print("pyside2 fingerprints changed:", dict(pc), "unexplained:", pun[:20])
# examples
ex = json.loads(gzip.decompress(engine_requests.EXAMPLE_DIGESTS.read_bytes()))
exg = engine_requests.example_digests(R, batch_size=500)
print("example digests changed:", [k for k in exg if exg[k] != ex.get(k)])
if write and not unexplained and not pun:
    engine_requests.DIGESTS.write_bytes(gzip.compress(b"".join(new), mtime=0))
    test_pyside2.FINGERPRINTS.write_bytes(gzip.compress(b"".join(pnew), mtime=0))
    print({"engine": changed_engine[:20], "pyside2": [i for i in range(len(pstored)) if pnew[i] != pstored[i]]})
    print("written")
