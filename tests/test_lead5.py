"""Found and fixed by the lead in session 5 of 2026-12-01."""
from reasoner import Reasoner

R = Reasoner()


def test_a_licensor_release_whose_own_license_also_reaches_it_from_a_parent_names_its_terms():
    """DeepSeek-R1 (MIT, deepseek-ai's release over DeepSeek-V3-Base) trained on an MIT dataset: MIT
    starts at the release and also reaches it from the data, and the note said "under :"."""
    request = {"artifacts": [
        {"id": "deepseek-ai/DeepSeek-R1", "derived_from": [
            {"id": "deepseek-ai/DeepSeek-V3-Base", "relation": "finetune"}, {"id": "x/data", "relation": "trained_on"}]},
        {"id": "x/data", "license": "mit"}],
        "subject": "deepseek-ai/DeepSeek-R1", "use": {"acts": ["use"]}}
    result = R.ask(request)
    notes = [n.message for n in result.notes if n.code == "relicensed_by_licensor"]
    assert result.status == "permitted"
    assert notes == ["`deepseek-ai/DeepSeek-R1` is deepseek-ai's own release under mit: as the licensor of deepseek, "
                     "it replaced deepseek for this model and what derives from it"]
