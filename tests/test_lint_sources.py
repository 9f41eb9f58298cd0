"""Citation checks of `gpca lint`: publishers' own sites, sentences, and our own readings."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import constraint, ruleset

from engine.authoring.lint_sources import citation_problems
from engine.core.model import DataFlow, Period, Source, replace

PULSE = Source("Pulse: a news story", "https://www.pulsetoday.co.uk/news/a-story/",
               "The practice must do this thing every working day.", "high", "Reports the change.")  # fmt: skip
READING = Source("gpca's reading", "", "A default of face-to-face does not take account of preferences.",
                 "low", "No source says it in these words.", kind="inference")  # fmt: skip
FAILS = {"path": "setup.x", "eq": False}


def codes(*sources: Source, **fields: object) -> list[tuple[str, str]]:
    rules = ruleset(constraint("a-rule", FAILS, sources=sources, **fields))
    return [(p.code, p.message) for p in citation_problems(rules)]


def test_a_sentence_on_the_publishers_own_site_is_clean() -> None:
    assert codes(PULSE) == []


@pytest.mark.parametrize(("url", "code", "message"), [
    ("https://production-like.nhsd.io/services/gpes", "staging-url",
     "the URL is on a staging host (production-like.nhsd.io)"),
    ("https://staging.bestpracticeshow.co.uk/news", "staging-url",
     "the URL is on a staging host (staging.bestpracticeshow.co.uk)"),
    ("https://meilu.jpshuntong.com/url-68747470733a2f2f7777772e70756c7365746f6461792e636f2e756b/news", "redirector-url",
     "the URL goes through a redirector (meilu.jpshuntong.com)"),
    ("https://bit.ly/3abcdef", "redirector-url", "the URL goes through a redirector (bit.ly)"),
    ("https://www.gponline.com/a-story", "off-site-url",
     "the URL (www.gponline.com) is not on Pulse's own site (pulsetoday.co.uk)"),
    ("https://notpulsetoday.co.uk/a-story", "off-site-url",
     "the URL (notpulsetoday.co.uk) is not on Pulse's own site (pulsetoday.co.uk)"),
])  # fmt: skip
def test_urls_off_the_publishers_live_site_are_refused(url: str, code: str, message: str) -> None:
    assert codes(replace(PULSE, url=url)) == [(code, message)]


def test_a_subdomain_of_the_publisher_is_its_own_site() -> None:
    assert codes(replace(PULSE, title="Londonwide LMCs: archive", url="https://archive.lmc.org.uk/a")) == []


def test_a_publisher_missing_from_the_table_is_named() -> None:
    assert codes(replace(PULSE, title="Some Blog: a post")) == [
        ("unknown-publisher", "the publisher 'Some Blog' is not in the table of publishers")]


def test_a_quote_shorter_than_a_sentence_is_flagged() -> None:
    assert codes(replace(PULSE, quote="same day")) == [
        ("short-quote", 'the quote "same day" is shorter than a sentence')]


def _kept(tmp_path: Path, notes: str) -> list[str]:
    file = tmp_path / "a-rule.yaml"
    file.write_text(f"id: a-rule\nnotes: '{notes}'\n")
    rules = ruleset(constraint("a-rule", FAILS, sources=(replace(PULSE, quote="same day"),), file=str(file)))
    return [p.code for p in citation_problems(rules)]


@pytest.mark.parametrize("notes", [
    'Short quote kept: "same day" (Pulse), because the page is not stored.',
    'Short quote kept: "same day", because the page is not stored.',
    'The rule has a history. Short quote kept: "same day" (Pulse, a news story) because it is all we have.',
])  # fmt: skip
def test_a_short_quote_kept_in_the_notes_with_its_reason_is_accepted(tmp_path: Path, notes: str) -> None:
    assert _kept(tmp_path, notes) == []


@pytest.mark.parametrize("notes", [
    'The quote "same day" is a fragment; the sentence was not found.',
    'Short quote kept: "same day" (Pulse).',
    'Short quote kept: "same day" (Pulse), because',
    'Short quote kept: "same days" (Pulse), because the page is not stored.',
])  # fmt: skip
def test_a_short_quote_named_without_its_reason_is_still_flagged(tmp_path: Path, notes: str) -> None:
    assert _kept(tmp_path, notes) == ["short-quote"]


def test_the_data_flows_sources_are_checked_too() -> None:
    flow = DataFlow("a-flow", "A flow", "statutory_dpn", "secondary", (Period(None, None),),
                    (replace(PULSE, url="https://production-like.nhsd.io/gpes", quote="Data Provision Notice"),))  # fmt: skip
    rules = replace(ruleset(), flows=(flow,))
    assert [(p.code, p.message) for p in citation_problems(rules)] == [
        ("staging-url", "the URL is on a staging host (production-like.nhsd.io)"),
        ("short-quote", 'the quote "Data Provision Notice" is shorter than a sentence')]


def test_an_inference_is_low_confidence_and_needs_no_url() -> None:
    assert codes(PULSE, READING, severity="breach") == []
    assert codes(PULSE, replace(READING, confidence="medium")) == [
        ("inference-confidence", "a source of kind inference has confidence medium")]


@pytest.mark.parametrize(("cited", "severity", "flagged"), [
    ("high", "breach", False), ("medium", "breach", True), ("medium", "local_breach", True),
    ("medium", "guidance_risk", False), ("low", "guidance_risk", True), ("low", "advisory", False),
])  # fmt: skip
def test_an_inference_caps_the_severity_at_what_the_cited_sources_support(cited: str, severity: str,
                                                                          flagged: bool) -> None:  # fmt: skip
    found = codes(replace(PULSE, confidence=cited), READING, severity=severity)
    expected = [("inference-severity", f"the rule rests on its own reading and claims {severity}, "
                 "more than its cited sources support")]  # fmt: skip
    assert found == (expected if flagged else [])


def test_without_an_inference_the_severity_is_not_capped() -> None:
    assert codes(replace(PULSE, confidence="low"), severity="breach") == []


def test_a_local_pack_names_its_own_publishers(tmp_path: Path) -> None:
    (tmp_path / "pack.yaml").write_text("name: local\npublishers:\n  Local ICB: [local-icb.example]\n")
    (tmp_path / "constraints").mkdir()
    file = tmp_path / "constraints" / "a-rule.yaml"
    file.write_text("id: a-rule\n")
    local = replace(PULSE, title="Local ICB: a specification", url="https://www.local-icb.example/spec")
    in_pack = ruleset(constraint("a-rule", FAILS, sources=(local,), file=str(file), pack="local"))
    national = ruleset(constraint("a-rule", FAILS, sources=(local,), file=str(file)))
    assert citation_problems(in_pack) == []
    assert [p.code for p in citation_problems(national)] == ["unknown-publisher"]


def test_the_rule_schema_lets_only_an_inference_leave_out_its_url() -> None:
    import jsonschema

    from engine.inputs.read import builtin_schema

    source = builtin_schema("rule.schema.json")["$defs"]["source"]
    resolver = {"$defs": builtin_schema("rule.schema.json")["$defs"], **source}
    inference = {"title": "gpca's reading", "kind": "inference", "quote": "A reading.", "confidence": "low", "why": "why"}
    jsonschema.validate(inference, resolver)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**inference, "kind": "publication"}, resolver)
