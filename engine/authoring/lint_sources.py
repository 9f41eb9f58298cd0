"""Part of `gpca lint`: citations a professional reader can trust.

A source's URL must be on its publisher's own site (the table below, keyed by the part of
the source's title before the colon), never on a staging host or behind a redirector. A
quote shorter than a sentence is a warning: the quote should be the sentence that carries
the rule, and a rule that keeps a fragment because the sentence could not be found names
that fragment in its ``notes`` and says why, right after it (``Short quote kept: "..."
(publisher), because ...``). A rule that is the project's own reading says so with a
source of kind ``inference``, whose confidence is low; its severity goes no higher than
its other sources support (``SUPPORTED``). The data flows' sources are checked like the
constraints' and actions'.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from engine.core.errors import InputError
from engine.core.model import (Action, Constraint, DataFlow, Problem, RuleSet, Source, SourceLocation,
                          nearest_location)
from engine.inputs.read import Document, read_yaml

PUBLISHERS: dict[str, tuple[str, ...]] = {
    "BMA": ("bma.org.uk",),
    "Best Practice Show": ("bestpracticeshow.co.uk",),
    "Birmingham LMC": ("blmc.co.uk",),
    "Cambridgeshire LMC": ("cambslmc.org",),
    "Chemist+Druggist": ("chemistanddruggist.co.uk",),
    "Crossroads Surgery": ("crossroadsurgery.co.uk",),
    "DHSC": ("gov.uk",),
    "Doncaster LMC": ("doncasterlmc.co.uk",),
    "Essex LMC": ("essexlmc.org.uk",),
    "GOV.UK": ("gov.uk",),
    "GP practice signposting toolkit": ("gppracticesignpostingtoolkit.com",),
    "GPonline": ("gponline.com",),
    "HTN": ("htn.co.uk",),
    "Healthwatch": ("healthwatch.co.uk",),
    "Hillview Medical Centre": ("hillviewmedicalcentre.nhs.uk",),
    "Kernow LMC": ("kernowlmc.co.uk",),
    "LLR LMC": ("llrlmc.co.uk",),
    "Lincolnshire LMC": ("lincslmc.co.uk",),
    "Londonwide LMCs": ("lmc.org.uk",),
    "Management in Practice": ("managementinpractice.com",),
    "NHS Cancer Academy": ("canceracademy.nhs.uk",),
    "NHS Confederation": ("nhsconfed.org",),
    "NHS Digital": ("digital.nhs.uk",),
    "NHS England": ("england.nhs.uk",),
    "NHS England Digital": ("digital.nhs.uk",),
    "NHS North East London ICB": ("northeastlondon.icb.nhs.uk",),
    "North West LMCs": ("nwlmcs.org",),
    "Ockham Healthcare": ("ockham.healthcare",),
    # a mirror of Parliament's written answers; cited only where the official record was not retrieved
    "Parallel Parliament": ("parallelparliament.co.uk",),
    "Pulse": ("pulsetoday.co.uk",),
    "Pulse Intelligence": ("pulsetoday.co.uk", "pulse-intelligence.co.uk"),
    "SSLMCs": ("sslmcs.co.uk",),
    "SurgeryWeb": ("surgeryweb.org.uk",),
    "West Midlands Digital Hub": ("westmidsdigitalhub.nhs.uk",),
    "Wigan LMC": ("wiganlmc.org.uk",),
    "legislation.gov.uk": ("legislation.gov.uk",),
}
STAGING_MARKS = ("staging", "production-like", "preprod", "pre-prod", "uat", "sandbox")
REDIRECTORS = ("meilu.jpshuntong.com", "t.co", "bit.ly", "tinyurl.com", "ow.ly", "lnkd.in", "goo.gl",
               "urldefense.com", "safelinks.protection.outlook.com", "translate.goog", "l.facebook.com")  # fmt: skip
SENTENCE_WORDS = 6  # fewer words than this cannot be the sentence that carries a rule
SEVERITY_RANK = {"advisory": 0, "guidance_risk": 1, "local_breach": 2, "breach": 2}
SUPPORTED = {"high": 2, "medium": 1, "low": 0}  # best cited confidence -> highest rank it supports


def citation_problems(rules: RuleSet) -> list[Problem]:
    """Every citation problem of ``rules``, each naming file:line."""
    problems: list[Problem] = []
    for rule in (*rules.constraints, *rules.actions, *rules.flows):
        document = _document(rule.file)
        notes = " ".join(str(document.data.get("notes", "")).split()) if document else ""
        publishers = _publishers(rule.file, rule.pack)
        for index, source in enumerate(rule.sources):
            place = _place(document, rule.file, f"/sources/{index}")
            problems += [Problem(code, message, place, f"/sources/{index}", hint)
                         for code, message, hint in _citation(source, notes, publishers)]  # fmt: skip
        problems += _inference_problems(rule, document)
    return problems


def _publishers(file: str, pack: str) -> dict[str, tuple[str, ...]]:
    """The national table, with a local pack's own publishers (``publishers`` in its pack.yaml)."""
    if pack == "national" or not file:
        return PUBLISHERS
    from engine.inputs.packs import manifest

    local = manifest(Path(file).parent.parent).get("publishers") or {}
    return {**PUBLISHERS, **{str(name): tuple(map(str, domains)) for name, domains in local.items()}}


def _document(file: str) -> Document | None:
    try:
        return read_yaml(file) if file else None
    except InputError:
        return None


def _place(document: Document | None, file: str, pointer: str) -> SourceLocation:
    found = nearest_location(document.locations, pointer) if document else None
    return (found or SourceLocation(file, 1, 1)).shown()


def _citation(source: Source, notes: str, publishers: dict[str, tuple[str, ...]]) -> list[tuple[str, str, str]]:
    if source.kind == "inference":
        return _inference_source(source)
    found = [_url_problem(source, publishers)]
    if len(source.quote.split()) < SENTENCE_WORDS and not _kept_with_reason(source.quote, notes):
        found.append(("short-quote", f"the quote \"{source.quote}\" is shorter than a sentence",
                      "quote the sentence that carries the rule, or keep it with its reason in the "
                      "rule's notes: Short quote kept: \"...\" (publisher), because ..."))  # fmt: skip
    return [f for f in found if f is not None]


def _kept_with_reason(quote: str, notes: str) -> bool:
    """Whether ``notes`` names ``quote`` and gives the reason it was kept, right after it."""
    named = re.escape(f'"{quote}"')
    return re.search(rf"{named}(?: \([^)]*\))?,? because \S", notes) is not None


def _url_problem(source: Source, publishers: dict[str, tuple[str, ...]]) -> tuple[str, str, str] | None:
    host = (urlsplit(source.url).hostname or "").lower()
    if any(mark in label for label in host.split(".") for mark in STAGING_MARKS):
        return ("staging-url", f"the URL is on a staging host ({host})", "cite the page on the publisher's live site")
    if any(_on(host, redirector) for redirector in REDIRECTORS):
        return ("redirector-url", f"the URL goes through a redirector ({host})", "cite the page it leads to, at its publisher")
    publisher = source.title.partition(":")[0].strip()
    domains = publishers.get(publisher)
    if domains is None:
        return ("unknown-publisher", f"the publisher '{publisher}' is not in the table of publishers",
                "begin the title with a publisher listed in engine/authoring/lint_sources.py (or, for a local pack, "
                "under 'publishers' in its pack.yaml), with its own domains")  # fmt: skip
    if not any(_on(host, domain) for domain in domains):
        return ("off-site-url", f"the URL ({host}) is not on {publisher}'s own site ({', '.join(domains)})",
                "cite the page where the publisher itself published it")  # fmt: skip
    return None


def _on(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def _inference_source(source: Source) -> list[tuple[str, str, str]]:
    if source.confidence == "low":
        return []
    return [("inference-confidence", f"a source of kind inference has confidence {source.confidence}",
             "the project's own reading is never more than 'confidence: low'")]  # fmt: skip


def _inference_problems(rule: Constraint | Action | DataFlow, document: Document | None) -> list[Problem]:
    if not isinstance(rule, Constraint) or not any(s.kind == "inference" for s in rule.sources):
        return []
    cited = [SUPPORTED[s.confidence] for s in rule.sources if s.kind != "inference"]
    supported = max(cited, default=0)
    if SEVERITY_RANK[rule.severity] <= supported:
        return []
    message = f"the rule rests on its own reading and claims {rule.severity}, more than its cited sources support"
    hint = "lower the severity, or cite a source that says it (breach needs a high-confidence source, guidance_risk a medium one)"
    return [Problem("inference-severity", message, _place(document, rule.file, "/severity"), "/severity", hint)]
