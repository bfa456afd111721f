"""The lineage graph: which artifact derives from which, by what relation.

Built and checked here once (duplicate ids, edges to unknown parents, self-derivation, cycles,
the default subject); everything else asks it: the subject's ancestry, parents-first order, the
`via` chain through which a license reaches an artifact, and what a derived model inherits. The
functions take any artifacts with `id` and `derived_from` edges (`parent`, `relation`), so that
request.py, the API, model cards and lineage files share them. All walks are iterative:
lineages may be 100,000 deep.
"""

from __future__ import annotations

from .errors import RequestError
from .schema import SAME_MODEL_RELATIONS
from .vocabulary import suggest


def fold_id(model_id: str) -> str:
    """A model id as the Hub compares it (case-insensitively), and as a person may retype it:
    full-width or compatibility forms and surrounding spaces name the same model, and so do
    invisible format characters (a zero-width space), which no Hub id holds: a catalog model
    written with one must not pass as an unknown model under a label of the writer's choosing.

    >>> fold_id(" Meta-Llama/Meta-Llama-3-8Ｂ\u200b ")
    'meta-llama/meta-llama-3-8b'
    """
    if model_id.isascii():
        # Every lookup of an artifact id folds it (twice per artifact of a 100,000-artifact
        # request): ASCII holds no format character and NFKC leaves it as it is, so only case
        # and spaces remain, as below.
        return model_id.strip().casefold()
    import unicodedata

    visible = "".join(c for c in model_id if unicodedata.category(c) != "Cf")
    return unicodedata.normalize("NFKC", visible).strip().casefold()


def index(artifacts) -> dict[str, int]:
    """Each artifact id's position; an id given twice is an error at the second, and so is one
    given again as the Hub would read it alike (fold_id: another case, full-width letters): `x/m`
    under llama3 beside `X/M` under MIT were two models, one of them unrelated to the subject,
    where the Hub has one (review 22, LOW)."""
    first: dict[str, int] = {}
    folded: dict[str, int] = {}
    for i, artifact in enumerate(artifacts):
        if artifact.id in first:
            raise RequestError(f"artifact `{artifact.id}` appears twice (artifacts[{first[artifact.id]}] "
                               f"and artifacts[{i}])", location=f"artifacts[{i}].id")
        key = fold_id(artifact.id)
        if key in folded:
            other = folded[key]
            raise RequestError(f"artifact `{artifact.id}` is `{artifacts[other].id}` (artifacts[{other}]) written "
                               f"another way: Hugging Face ids ignore case, so both name one model; give it once",
                               location=f"artifacts[{i}].id")
        first[artifact.id] = i
        folded[key] = i
    return first


def check(artifacts, subject: str | None, known_parent=None, elsewhere: str = "") -> str:
    """Check a lineage and return its subject (the given one, or the one artifact nothing derives
    from). An edge may name a parent outside `artifacts` only when `known_parent(id)` says it is
    known elsewhere (a catalog model, described as `elsewhere` in the error)."""
    positions = index(artifacts)
    for i, artifact in enumerate(artifacts):
        for j, edge in enumerate(artifact.derived_from):
            where = f"artifacts[{i}].derived_from[{j}].id"
            if edge.parent == artifact.id:
                raise RequestError(f"`{artifact.id}` derives from itself", location=where)
            if edge.parent not in positions and not (known_parent and known_parent(edge.parent)):
                among = f"neither among the artifacts nor {elsewhere}" if elsewhere else "not among the artifacts"
                raise RequestError(f"`{artifact.id}` derives from `{edge.parent}`, which is {among}"
                                   f"{suggest(edge.parent, positions)}", location=where)
    cycle = find_cycle(artifacts)
    if cycle:
        raise RequestError("lineage has a cycle: " + " -> ".join(cycle), location="artifacts")
    if subject:
        if subject not in positions:
            raise RequestError(f"subject `{subject}` is not among the artifacts{suggest(subject, positions)}",
                               location="subject")
        return subject
    return default_subject(artifacts)


def default_subject(artifacts) -> str:
    """The one artifact nothing derives from; an error naming the candidates otherwise."""
    parents = {e.parent for a in artifacts for e in a.derived_from}
    roots = [a.id for a in artifacts if a.id not in parents]
    if len(roots) != 1:
        raise RequestError(f"say which artifact is the `subject`: {len(roots)} artifacts have nothing "
                           f"derived from them ({', '.join(roots[:5])}{', …' if len(roots) > 5 else ''})",
                           location="subject")
    return roots[0]


def find_cycle(artifacts) -> list[str] | None:
    """A cycle's ids (depth-first), or None."""
    parents = {a.id: [e.parent for e in a.derived_from] for a in artifacts}
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    for start in parents:
        if state.get(start):
            continue
        stack = [(start, iter(parents.get(start, ())))]
        path = [start]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
                path.pop()
                continue
            if state.get(child) == 1:
                return path[path.index(child):] + [child]
            if not state.get(child):
                state[child] = 1
                stack.append((child, iter(parents.get(child, ()))))
                path.append(child)
    return None


def ancestry(by_id: dict, subject: str) -> list:
    """The subject and every artifact it derives from, subject first (breadth-first)."""
    seen = {subject}
    order = [by_id[subject]]
    for artifact in order:
        for edge in artifact.derived_from:
            if edge.parent not in seen:
                seen.add(edge.parent)
                order.append(by_id[edge.parent])
    return order


def parents_first(by_id: dict) -> list[str]:
    """Artifact ids with every parent before its children (cycles are cut: `check` reports them)."""
    order, done, on_path = [], set(), set()
    for start in by_id:
        if start in done:
            continue
        stack = [(start, iter(by_id[start].derived_from))]
        on_path.add(start)
        while stack:
            node, edges = stack[-1]
            edge = next(edges, None)
            if edge is None:
                stack.pop()
                on_path.discard(node)
                done.add(node)
                order.append(node)
            elif edge.parent in by_id and edge.parent not in done and edge.parent not in on_path:
                on_path.add(edge.parent)
                stack.append((edge.parent, iter(by_id[edge.parent].derived_from)))
    return order


def same_model(relations) -> bool:
    """Is a model derived by these relations still its parents' kind of model (a fine-tune,
    adapter or quantization keeps their family and modalities; a merge or distillation need not)?"""
    relations = list(relations)
    return bool(relations) and all(r in SAME_MODEL_RELATIONS for r in relations)


def via(artifact: str, lid: str, applies: set, parents: dict) -> tuple[str, ...]:
    """The shortest chain of ancestors through which `lid` reaches `artifact`, up to the first
    model it does not inherit it from (empty when nothing upstream carries it). `applies` holds
    (artifact, license) pairs; `parents` maps an id to its parents' ids.

    Breadth-first with back-pointers, so a 100,000-deep lineage costs linear time.
    """
    came_from: dict[str, str | None] = {artifact: None}
    frontier = [artifact]
    while frontier:
        following = []
        for node in frontier:
            inherited = [p for p in parents.get(node, ()) if (p, lid) in applies]
            if len(inherited) > 1:
                inherited.sort()
            if not inherited:  # where the license starts: walk the pointers back
                chain = []
                while node != artifact:
                    chain.append(node)
                    node = came_from[node]
                return tuple(reversed(chain))
            for parent in inherited:
                if parent not in came_from:
                    came_from[parent] = node
                    following.append(parent)
        frontier = following
    return ()
