"""Web addresses of license texts, as two spellings of one address compare.

A card's `license_link` names the text it is under by an address; a license file names the
addresses its licensor publishes the text at (`url`, `also_at`). Publishers spell one address
many ways, and a link that fails to match drops the linked text's terms (a card labelled
apache-2.0 that links the Llama 3 text on GitHub was YES for military use), so the comparison
reads past what does not change the text served: the scheme, `www.`, case, a query, a fragment,
a trailing slash, percent-escapes, and the several hosts and paths that serve one file.

>>> address_key("https://raw.githubusercontent.com/meta-llama/llama3/main/LICENSE")
'github.com/meta-llama/llama3/blob/main/license'
>>> address_key("http://github.com/meta-llama/llama3/raw/main/LICENSE/") == address_key(
...     "https://github.com/meta-llama/llama3/blob/main/LICENSE?plain=1#L3")
True
"""

from __future__ import annotations

import re

_ABSOLUTE = r"https?://"


def is_absolute(address: str) -> bool:
    """Whether `address` is a web address (`https://…`), not a file beside a card (`LICENSE`)."""
    return re.match(_ABSOLUTE, address.strip(), re.IGNORECASE) is not None


def address_key(url: str) -> str:
    """`url` as every spelling of the same text's address compares (the module's docstring)."""
    key = url.strip()
    if "%" in key:   # `Llama%203` and `Llama 3` are one path (imported only then: the cold path)
        from urllib.parse import unquote

        key = unquote(key)
    key = re.sub(r"^https?://(?:www\.)?", "", key.casefold())
    key = re.split(r"[?#]", key, maxsplit=1)[0]
    # llama.meta.com now answers from www.llama.com: Meta's two domains for the Llama licenses
    key = re.sub(r"^llama\.meta\.com/", "llama.com/", key)
    # a Hub file, however linked: hf.co or huggingface.co, blob, resolve or raw
    key = re.sub(r"^(?:hf\.co|huggingface\.co)/([^/]+/[^/]+)/(?:blob|resolve|raw)/", r"huggingface.co/\1/blob/", key)
    # a GitHub file, however linked: the page (blob), its raw view, or raw.githubusercontent.com,
    # whose newer links spell the branch `refs/heads/main`. The ref itself is kept: another
    # branch or commit may hold another text.
    key = re.sub(r"^github\.com/([^/]+/[^/]+)/(?:blob|raw)/", r"github.com/\1/blob/", key)
    key = re.sub(r"^raw\.githubusercontent\.com/([^/]+/[^/]+)/", r"github.com/\1/blob/", key)
    key = re.sub(r"^(github\.com/[^/]+/[^/]+/blob/)refs/heads/", r"\1", key)
    return key.rstrip("/")


# Registries whose addresses spell the license they serve: a link there names that license even
# where no encoding lists the address (the deed of CC BY-NC 4.0, CC BY-NC-SA, which can-i does not
# encode). Read through address_key, so `www.`, case, a query and a trailing slash do not matter.
_CC_ELEMENTS = ("by", "nc", "nd", "sa")


def _cc_id(m) -> str:
    # CC 1.0 spelt its elements in other orders and without BY (`by-nd-nc/1.0` is SPDX
    # CC-BY-NC-ND-1.0, `nc/1.0`, `nc-sa/1.0`): read only `by(-nc)(-sa|-nd)`, those were no
    # registry address, the link an "unread" note, and `license: mit` beside a NonCommercial
    # deed YES for commercial use (review 27). The elements are put in SPDX's order; a spelling
    # that is no set of them (`sampling+`) is kept as written, an unknown license: UNKNOWN.
    parts = m[1].split("-")
    if set(parts) <= set(_CC_ELEMENTS) and len(set(parts)) == len(parts):
        parts = [e for e in _CC_ELEMENTS if e in parts]
    # a port is its own license (…/by/3.0/de/ is SPDX CC-BY-3.0-DE, …/by-nc/2.5/scotland/ too)
    return f"cc-{'-'.join(parts)}-{m[2]}" + (f"-{m[3]}" if m[3] else "")


def _osi_id(m) -> str:
    # opensource.org's newer pages spell a version's dot as a hyphen (…/license/gpl-3-0): read
    # so, a link there named GPL-3.0 (review 27); an id can-i does not know makes the answer UNKNOWN.
    return re.sub(r"-(\d+)-(\d+)(?=$|-)", r"-\1.\2", m[1])


_REGISTRY_ADDRESSES = (
    # creativecommons.org/licenses/by-nc/4.0/, …/deed.en, …/legalcode.de; a ported version
    # (…/by/3.0/de/) is its own license (SPDX CC-BY-3.0-DE)
    (re.compile(r"creativecommons\.org/licenses/([a-z+-]+)/(\d\.\d)"
                r"(?:/(?!deed|legalcode|rdf)([a-z]{2,}(?:-[a-z]{2})?))?(?:/|$)"), _cc_id),
    (re.compile(r"creativecommons\.org/publicdomain/zero/(\d\.\d)(?:/|$)"), lambda m: f"cc0-{m[1]}"),
    # spdx.org/licenses/MIT.html (or .json, .txt, or bare); choosealicense.com/licenses/mit/
    (re.compile(r"spdx\.org/licenses/([a-z0-9.+-]+?)(?:\.html|\.json|\.txt)?$"), lambda m: m[1]),
    (re.compile(r"choosealicense\.com/licenses/([a-z0-9.+-]+)$"), lambda m: m[1]),
    # opensource.org/licenses/MIT (the older pages, SPDX ids)
    (re.compile(r"opensource\.org/licenses/([a-z0-9.+-]+?)(?:\.php|\.html)?$"), lambda m: m[1]),
    (re.compile(r"opensource\.org/license/([a-z0-9.+-]+?)(?:\.php|\.html)?$"), _osi_id),
)
_REGISTRY_HOSTS = r"(?:www\.)?(?:creativecommons\.org|spdx\.org|choosealicense\.com|opensource\.org)/"


def written_address(url: str) -> str:
    """`url` as an absolute address where it is one written loosely: `<https://…>`, a Markdown
    link `[CC BY-NC](https://…)`, `//host/…`, or a registry's host without a scheme. Such links
    were no address at all: not bound and not even noted, so `license: mit` beside
    `creativecommons.org/licenses/by-nc/4.0/` was YES without a word (review 27)."""
    text = url.strip()
    markdown = re.fullmatch(r"\[[^\]]*\]\(\s*<?([^()<>\s]+)>?\s*\)", text)
    if markdown:
        text = markdown[1]
    text = text.strip("<>").strip()
    if text.startswith("//"):
        return "https:" + text
    if not is_absolute(text) and (re.match(_REGISTRY_HOSTS, text, re.IGNORECASE)
                                  or re.match(r"(?:[a-z0-9-]+\.)+[a-z]{2,}/", text, re.IGNORECASE)):
        # a host name before the first `/` (`llama.com/llama3/license`): an address without its
        # scheme, not a file beside the card (`LICENSE`, `docs/LICENSE`)
        return "https://" + text
    return text


def registry_license(url: str) -> str | None:
    """The license id a registry's address spells (Creative Commons, SPDX, choosealicense,
    opensource.org's older pages), lower case, or None for any other address.

    >>> registry_license("https://creativecommons.org/licenses/by-nc/4.0/deed.en")
    'cc-by-nc-4.0'
    >>> registry_license("https://spdx.org/licenses/Apache-2.0.html")
    'apache-2.0'
    >>> registry_license("https://example.com/licenses/by-nc/4.0/") is None
    True
    """
    url = written_address(url)
    if not is_absolute(url):
        return None
    key = address_key(url)
    for pattern, spelt in _REGISTRY_ADDRESSES:
        found = pattern.match(key)
        if found:
            return spelt(found)
    return None
