from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.core.errors import InputError
from engine.core.model import ChosenAction, Effect, Example, Period, Problem, SourceLocation
from engine.inputs.load import load_plan, load_rules
from engine.inputs.read import Document, builtin_rules_dir, builtin_schema, read_yaml

REPO = Path(__file__).resolve().parent.parent
SOURCE = """\
sources:
  - title: A source for tests
    url: https://example.org/source
    quote: a quotation
    confidence: high
    why: Needed by the schema.
"""
# Frozen copies of the first sample rules: the real catalogue changes under other hands.
SAMPLE_RULES = {
    "constraints/gp-connect-update-record-enabled.yaml": """\
id: gp-connect-update-record-enabled
kind: constraint
ref: C-DATA-05
title: Keep GP Connect Update Record switched on
force: contract
severity: breach
effective:
  - from: 2025-10-01
    until: null
"""
    + SOURCE
    + """\
fails_when: {path: setup.gp_connect.update_record_enabled, eq: false}
message: GP Connect Update Record is switched off.
remedy: Switch GP Connect Update Record back on.
examples:
  pass: [{note: switched on, plan: {setup: {gp_connect: {update_record_enabled: true}}}}]
  fail: [{note: switched off, plan: {setup: {gp_connect: {update_record_enabled: false}}}}]
""",
    "constraints/nhs111-minimum-slots.yaml": """\
id: nhs111-minimum-slots
kind: constraint
ref: C-111-01
title: Offer at least the contractual minimum of NHS 111 direct-booking slots
force: contract
severity: breach
effective:
  - from: 2019-07-01
    until: null
"""
    + SOURCE
    + """\
let:
  min_slots: {max: [1, {floor: {div: [{path: practice.registered_patients}, 3000]}}]}
fails_when:
  path: setup.nhs111.direct_booking_slots_per_day
  lt: {let: min_slots}
message: The practice offers too few NHS 111 slots.
remedy: Offer at least {min_slots} NHS 111 direct-booking slots each day.
examples:
  pass:
    - note: 9,027 patients need 3 slots; 3 offered
      plan: {assessed_on: 2024-11-05}
  fail:
    - note: 9,027 patients need 3 slots; 2 offered
      plan: {assessed_on: 2024-11-05}
  cannot_tell:
    - note: list size not given
      plan: {assessed_on: 2024-11-05}
""",
    "actions/switch-off-gp-connect-update-record.yaml": """\
id: switch-off-gp-connect-update-record
kind: action
title: Switch off GP Connect Update Record
phases:
  - {name: Early action, from: 2024-06-28, until: 2024-07-31, status: recommended}
  - {name: Nine actions, from: 2024-08-01, until: 2025-02-28, status: recommended}
  - {name: Required to be on, from: 2025-10-01, until: null, status: superseded}
wording: Switch off the GP Connect Update Record functionality.
"""
    + SOURCE
    + """\
effects:
  - set: setup.gp_connect.update_record_enabled
    value: false
bears_on: [gp-connect-update-record-enabled]
instead: Keep Update Record on and review incoming messages.
examples:
  safe:
    - note: switched off in 2024, when it was lawful
      plan:
        assessed_on: 2024-11-05
        actions: [{id: switch-off-gp-connect-update-record}]
        setup: {gp_connect: {update_record_enabled: true}}
""",
}
NHS111 = "constraints/nhs111-minimum-slots.yaml"
PLAN = """\
practice: {name: Riverside Surgery, registered_patients: 9027}
assessed_on: 2024-11-05
actions:
  - id: switch-off-gp-connect-update-record
setup:
  nhs111:
    direct_booking_slots_per_day: 3
  gp_connect: {update_record_enabled: true}
"""


def write(directory: Path, name: str, text: str | bytes) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        read_yaml(path)
    return caught.value.problems


@pytest.fixture
def sample_rules(tmp_path: Path) -> Path:
    root = tmp_path / "rules"
    for name, text in SAMPLE_RULES.items():
        write(root, name, text)
    return root


# --- read_yaml ---------------------------------------------------------------------------


def test_read_yaml_keeps_dates_as_iso_strings(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", "assessed_on: 2024-11-05\nwhen: !!timestamp 2025-10-01\n")
    assert read_yaml(path).data == {"assessed_on": "2024-11-05", "when": "2025-10-01"}


def test_read_yaml_makes_every_key_text(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", "1: a\non: b\nflag: on\n")
    assert read_yaml(path).data == {"1": "a", "on": "b", "flag": True}


def test_read_yaml_records_path_and_digest(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", "a: 1\n")
    doc = read_yaml(path)
    assert (doc.path, doc.digest) == (str(path), hashlib.sha256(b"a: 1\n").hexdigest())


def test_read_yaml_locates_nested_keys_and_list_items(tmp_path: Path) -> None:
    doc = read_yaml(write(tmp_path, "p.yaml", PLAN))
    places = {pointer: (where.line, where.column) for pointer, where in doc.locations.items()}
    assert places == {
        "": (1, 1),
        "/practice": (1, 1),
        "/practice/name": (1, 12),
        "/practice/registered_patients": (1, 37),
        "/assessed_on": (2, 1),
        "/actions": (3, 1),
        "/actions/0": (4, 5),
        "/actions/0/id": (4, 5),
        "/setup": (5, 1),
        "/setup/nhs111": (6, 3),
        "/setup/nhs111/direct_booking_slots_per_day": (7, 5),
        "/setup/gp_connect": (8, 3),
        "/setup/gp_connect/update_record_enabled": (8, 16),
    }
    assert doc.locations["/setup/nhs111"] == SourceLocation(str(tmp_path / "p.yaml"), 6, 3)


def test_read_yaml_escapes_pointer_segments(tmp_path: Path) -> None:
    doc = read_yaml(write(tmp_path, "p.yaml", "a/b:\n  c~d: 1\n"))
    assert sorted(doc.locations) == ["", "/a~1b", "/a~1b/c~0d"]


def test_read_yaml_reports_syntax_error_position(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", "practice:\n  name: [Riverside\nsetup: {}\n")
    assert problems_of(path) == [
        Problem(
            "yaml-syntax",
            "this is not valid YAML: expected ',' or ']', but got ':'",
            SourceLocation(str(path), 3, 6),
            hint="while parsing a flow sequence at line 2, column 9",
        )
    ]


def test_read_yaml_says_a_tab_indent_is_the_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", "practice:\n\tname: Riverside\n")
    assert problems_of(path) == [
        Problem(
            "yaml-syntax",
            "this is not valid YAML: found character '\\t' that cannot start any token",
            SourceLocation(str(path), 2, 1),
            hint="indent with spaces, not tabs: YAML does not allow a tab here (set your editor to insert spaces)",
        )
    ]


def test_read_yaml_joins_pyyaml_split_sentences(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", "a: 1\n---\nb: 2\n")
    assert problems_of(path) == [
        Problem(
            "yaml-syntax",
            "this is not valid YAML: expected a single document in the stream,"
            " but found another document",
            SourceLocation(str(path), 2, 1),
            hint="expected a single document in the stream at line 1, column 1",
        )
    ]


def test_read_yaml_refuses_binary_garbage(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert problems_of(path) == [
        Problem(
            "unreadable-file",
            "the file is not UTF-8 text",
            SourceLocation(str(path), 1, 1),
            hint="save the file as UTF-8 text (a plain .yaml file, not a word-processor document)",
        )
    ]


def test_read_yaml_refuses_nul_bytes_where_they_are(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", b"a: 1\nb: x\x00y\n")
    [problem] = problems_of(path)
    assert (problem.code, problem.message, problem.location) == (
        "unreadable-file",
        "the file holds binary data, not text",
        SourceLocation(str(path), 2, 5),
    )


def test_read_yaml_locates_a_latin1_byte(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", b"name: caf\xe9\n")
    [problem] = problems_of(path)
    assert (problem.code, problem.location) == ("unreadable-file", SourceLocation(str(path), 1, 10))


def test_read_yaml_refuses_control_characters(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", "a: b\x01c\n")
    assert problems_of(path) == [
        Problem(
            "unreadable-file",
            "the file holds a character that YAML does not allow (#x0001)",
            SourceLocation(str(path), 1, 5),
            hint="save the file as UTF-8 text, without control characters",
        )
    ]


def test_read_yaml_reports_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    assert problems_of(path) == [
        Problem("unreadable-file", f"there is no file '{path}'", hint="check the path")
    ]


def test_read_yaml_reports_duplicate_key(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", "setup:\n  nhs111: {}\n  nhs111: {}\n")
    assert problems_of(path) == [
        Problem(
            "duplicate-key",
            "the key 'nhs111' appears twice in the same mapping",
            SourceLocation(str(path), 3, 3),
            hint="it is first at line 2, column 3; keep one",
        )
    ]


def test_read_yaml_allows_merge_keys_to_be_overridden(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n")
    doc = read_yaml(path)
    assert doc.data["m"] == {"x": 1, "y": 3}
    assert (doc.locations["/m/y"].line, doc.locations["/m/x"].line) == (4, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("- a\n- b\n", "the file must be a mapping of keys to values, but it is a list"),
        ("just text\n", "the file must be a mapping of keys to values, but it is a single value"),
    ],
)
def test_read_yaml_wants_a_mapping(tmp_path: Path, text: str, message: str) -> None:
    [problem] = problems_of(write(tmp_path, "p.yaml", text))
    assert (problem.code, problem.message) == ("not-a-mapping", message)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: &x [1, *x]\n", "an alias here makes the document contain itself"),
        ("a: " + "[" * 100 + "]" * 100 + "\n", "the file is nested more than 64 levels deep"),
        ("a: " + "[" * 3000 + "]" * 3000 + "\n", "the file is nested more than 64 levels deep"),
        ("a: " + "9" * 5000 + "\n", "this is not valid YAML: this number has too many digits"),
        ("a: !!binary aGVsbG8=\n", "this is not valid YAML: could not determine a constructor"
         " for the tag 'tag:yaml.org,2002:binary'"),
        ("? [a, b]\n: 1\n", "a key must be plain text, not a list or a mapping"),
    ],
)
def test_read_yaml_refuses_documents_that_are_not_plain_data(
    tmp_path: Path, text: str, message: str
) -> None:
    [problem] = problems_of(write(tmp_path, "p.yaml", text))
    assert (problem.code, problem.message) == ("yaml-syntax", message)


def test_read_yaml_refuses_alias_floods(tmp_path: Path) -> None:
    lines = ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for previous, name in zip("abcde", "bcdef"):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    [problem] = problems_of(write(tmp_path, "p.yaml", "\n".join(lines) + "\n"))
    assert (problem.code, problem.message) == (
        "yaml-syntax",
        "the file holds more than 100,000 values (list items, keys and values, counting what aliases (*name) expand to)",
    )


YAMLISH = st.text(alphabet="ab:-[]{}&*!#|>'\" \n\t\x00é~", max_size=60).map(str.encode)


@given(raw=st.binary(max_size=200) | YAMLISH)
def test_read_yaml_raises_only_input_error(
    tmp_path_factory: pytest.TempPathFactory, raw: bytes
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "p.yaml"
    path.write_bytes(raw)
    try:
        assert isinstance(read_yaml(path), Document)
    except InputError as error:
        assert error.problems


# --- built-in data ----------------------------------------------------------------------


def test_builtin_rules_dir_is_the_repository_catalogue() -> None:
    assert builtin_rules_dir() == REPO / "rules"


def test_builtin_schema_loads_and_is_cached() -> None:
    schema = builtin_schema("plan.schema.json")
    assert schema["title"] == "gpca practice plan"
    assert builtin_schema("plan.schema.json") is schema


# --- load_rules ------------------------------------------------------------------------


def test_load_rules_builds_sorted_dataclasses(sample_rules: Path) -> None:
    rules = load_rules([sample_rules])
    assert [rule.id for rule in rules.constraints] == [
        "gp-connect-update-record-enabled",
        "nhs111-minimum-slots",
    ]
    assert [action.id for action in rules.actions] == ["switch-off-gp-connect-update-record"]
    assert rules.directories == (str(sample_rules),)


def test_load_rules_builds_constraint_fields(sample_rules: Path) -> None:
    rule = load_rules([sample_rules]).constraint("nhs111-minimum-slots")
    assert (rule.ref, rule.severity) == ("C-111-01", "breach")
    assert rule.effective == (Period("2019-07-01", None),)
    per_3000 = {"div": [{"path": "practice.registered_patients"}, 3000]}
    assert rule.lets == {"min_slots": {"max": [1, {"floor": per_3000}]}}
    assert [(example.expect, example.note) for example in rule.examples] == [
        ("pass", "9,027 patients need 3 slots; 3 offered"),
        ("fail", "9,027 patients need 3 slots; 2 offered"),
        ("cannot_tell", "list size not given"),
    ]
    assert (rule.file, rule.pack) == (str(sample_rules / NHS111), "rules")


def test_load_rules_builds_action_fields(sample_rules: Path) -> None:
    action = load_rules([sample_rules]).action("switch-off-gp-connect-update-record")
    assert action.effects == (Effect("setup.gp_connect.update_record_enabled", value=False),)
    assert action.bears_on == ("gp-connect-update-record-enabled",)
    assert [(phase.start, phase.end, phase.status) for phase in action.phases] == [
        ("2024-06-28", "2024-07-31", "recommended"),
        ("2024-08-01", "2025-02-28", "recommended"),
        ("2025-10-01", None, "superseded"),
    ]
    assert action.examples[0] == Example(
        "switched off in 2024, when it was lawful",
        "safe",
        {
            "assessed_on": "2024-11-05",
            "actions": [{"id": "switch-off-gp-connect-update-record"}],
            "setup": {"gp_connect": {"update_record_enabled": True}},
        },
    )


def test_load_rules_digest_follows_content_not_place(sample_rules: Path, tmp_path: Path) -> None:
    copy = tmp_path / "elsewhere"
    shutil.copytree(sample_rules, copy)
    before = load_rules([sample_rules]).digest
    assert load_rules([copy]).digest == before
    nhs111 = copy / NHS111
    nhs111.write_text(nhs111.read_text("utf-8") + "notes: changed\n", "utf-8")
    assert load_rules([copy]).digest != before


def test_load_rules_reports_every_problem_at_once(sample_rules: Path) -> None:
    write(sample_rules, "constraints/gp-connect-update-record-enabled.yaml", "id: [\n")
    nhs111 = sample_rules / NHS111
    nhs111.write_text(nhs111.read_text("utf-8").replace("severity:", "severty:"), "utf-8")
    with pytest.raises(InputError) as caught:
        load_rules([sample_rules])
    assert [(p.code, p.message) for p in caught.value.problems] == [
        (
            "yaml-syntax",
            "this is not valid YAML: expected the node content, but found '<stream end>'",
        ),
        ("unknown-key", "unknown key 'severty'"),
    ]


def test_load_rules_reports_a_rule_in_the_wrong_folder(sample_rules: Path) -> None:
    misplaced = sample_rules / "actions" / "nhs111-minimum-slots.yaml"
    shutil.move(sample_rules / NHS111, misplaced)
    with pytest.raises(InputError) as caught:
        load_rules([sample_rules])
    [problem] = caught.value.problems
    assert (problem.code, problem.message, problem.hint) == (
        "rule-schema",
        "this file says 'kind: constraint' but is in actions/",
        f"move it to {sample_rules / 'constraints'}/",
    )


def test_load_rules_reports_an_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_rules([tmp_path])
    assert caught.value.problems == [
        Problem(
            "unreadable-file",
            f"'{tmp_path}' holds no rule files (constraints/*.yaml or actions/*.yaml)",
            hint="check the directory",
        )
    ]


# --- load_plan -------------------------------------------------------------------------


def test_load_plan_builds_the_plan(sample_rules: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "plan.yaml", PLAN)
    plan = load_plan(path, load_rules([sample_rules]))
    assert plan.actions == (
        ChosenAction("switch-off-gp-connect-update-record", {}, SourceLocation(str(path), 4, 5)),
    )
    assert (plan.assessed_on, plan.practice["registered_patients"]) == ("2024-11-05", 9027)
    assert plan.setup == {
        "nhs111": {"direct_booking_slots_per_day": 3},
        "gp_connect": {"update_record_enabled": True},
    }
    assert (plan.path, plan.digest) == (str(path), hashlib.sha256(PLAN.encode()).hexdigest())


def test_load_plan_raises_the_validation_problems(sample_rules: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "plan.yaml", PLAN.replace("nhs111:", "nhs11:"))
    with pytest.raises(InputError) as caught:
        load_plan(path, load_rules([sample_rules]))
    assert caught.value.problems == [
        Problem(
            "unknown-key",
            "unknown key 'nhs11'",
            SourceLocation(str(path), 6, 3),
            "/setup/nhs11",
            "did you mean 'nhs111'?",
        )
    ]


def test_a_plan_without_assessed_on_is_refused_with_a_hint(sample_rules: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "plan.yaml", PLAN.replace("assessed_on: 2024-11-05\n", ""))
    with pytest.raises(InputError) as caught:
        load_plan(path, load_rules([sample_rules]))
    assert caught.value.problems == [
        Problem(
            "plan-schema",
            "missing required key 'assessed_on'",
            SourceLocation(str(path), 1, 1),
            "",
            "add the date to assess on, such as 'assessed_on: 2025-10-01', "
            "or give it on the command line: --as-of 2025-10-01",
        )
    ]


def test_as_of_stands_for_a_missing_assessed_on_only(sample_rules: Path, tmp_path: Path) -> None:
    undated = write(tmp_path, "undated.yaml", PLAN.replace("assessed_on: 2024-11-05\n", ""))
    dated = write(tmp_path, "dated.yaml", PLAN)
    rules = load_rules([sample_rules])
    assert load_plan(undated, rules, "2025-10-01").assessed_on == "2025-10-01"
    assert load_plan(dated, rules, "2025-10-01").assessed_on == "2024-11-05"
    assert load_plan(undated, rules, "2025-10-01").raw == undated.read_bytes()


def test_load_rules_reads_the_date_the_sources_were_checked_to(sample_rules: Path) -> None:
    assert load_rules([sample_rules]).sources_checked_to is None
    (sample_rules / "ruleset.yaml").write_text("sources_checked_to: 2026-06-30\n")
    assert load_rules([sample_rules]).sources_checked_to == "2026-06-30"
    assert load_rules().sources_checked_to == "2026-11-29"


def test_load_rules_refuses_a_checked_date_that_is_not_a_date(sample_rules: Path) -> None:
    (sample_rules / "ruleset.yaml").write_text("sources_checked_to: last week\n")
    with pytest.raises(InputError) as raised:
        load_rules([sample_rules])
    assert [(p.code, p.message) for p in raised.value.problems] == [
        ("ruleset-schema",
         "'sources_checked_to' must be a date written YYYY-MM-DD, such as 2025-10-01, but got 'last week'")]


def test_a_heading_with_nothing_under_it_is_an_empty_section(sample_rules: Path, tmp_path: Path) -> None:
    text = PLAN.replace("  gp_connect: {update_record_enabled: true}\n", "  gp_connect:\n  online:\n")
    plan = load_plan(write(tmp_path, "plan.yaml", text), load_rules([sample_rules]))
    assert plan.setup == {"nhs111": {"direct_booking_slots_per_day": 3}, "gp_connect": {}, "online": {}}


def test_an_empty_list_heading_is_still_refused(sample_rules: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "plan.yaml", PLAN.replace("  gp_connect: {update_record_enabled: true}\n",
                                                     "  access:\n    closures:\n"))  # fmt: skip
    with pytest.raises(InputError) as caught:
        load_plan(path, load_rules([sample_rules]))
    assert [(p.code, p.message) for p in caught.value.problems] == [
        ("plan-schema", "'setup.access.closures' must be a list, but got nothing (null)")
    ]


# --- locations, worked out when asked -----------------------------------------------------


def _places_walked_before_building(path: Path) -> dict[str, SourceLocation]:
    """Every place as the whole tree, walked before the data is built, records it."""
    from engine.inputs.read import _Loader, _Walker  # the walk read_yaml once did up front

    loader = _Loader(path.read_text("utf-8"))
    try:
        return _Walker(str(path), {}).walk(loader.get_single_node())
    finally:
        loader.dispose()


def _lookups(places: dict[str, SourceLocation]) -> list[str]:
    """Each pointer the file has, and pointers just below and beside them that it has not."""
    return [probe for pointer in places for probe in (pointer, pointer + "/0", pointer + "/nope", pointer + "x")]


def _assert_lookups_match_the_walk(path: Path) -> None:
    walked = _places_walked_before_building(path)
    locations = read_yaml(path).locations
    looked_up = {probe: locations.get(probe) for probe in _lookups(walked)}
    assert looked_up == {probe: walked.get(probe) for probe in _lookups(walked)}
    assert dict(locations.items()) == walked


@pytest.mark.parametrize(
    "name", sorted(str(p.relative_to(REPO)) for pattern in ("examples/*.yaml", "fixtures/**/*.yaml", "rules/**/*.yaml")
                   for p in REPO.glob(pattern))[:400],  # fmt: skip
)
def test_each_place_looked_up_is_the_one_the_whole_walk_records(name: str) -> None:
    _assert_lookups_match_the_walk(REPO / name)


def _yaml_with_merges(draw: st.DrawFn) -> str:
    """A mapping of anchored bases and entries that merge them (one or a list), override
    some of their keys and nest further, so a key's place may be its own or lent."""
    keys = st.sampled_from(["a", "b", "c", "a/b", "t~"])
    bases = draw(st.lists(st.dictionaries(keys, st.integers(0, 9), max_size=3), min_size=1, max_size=3))
    lines = [f"base{i}: &b{i} {{{', '.join(f'{k!r}: {v}' for k, v in base.items())}}}"
             for i, base in enumerate(bases)]  # fmt: skip
    for entry in range(draw(st.integers(1, 3))):
        lines.append(f"e{entry}:")
        merged = draw(st.lists(st.integers(0, len(bases) - 1), max_size=2, unique=True))
        if len(merged) == 1:
            lines.append(f"  <<: *b{merged[0]}")
        elif merged:
            lines.append(f"  <<: [{', '.join(f'*b{i}' for i in merged)}]")
        for key in draw(st.lists(keys, max_size=3, unique=True)):
            nested = draw(st.booleans())
            lines.append(f"  {key!r}:" + ("\n    - x: 1\n    - *b0" if nested else " 7"))
    return "\n".join(lines) + "\n"


@given(st.composite(_yaml_with_merges)())
def test_places_with_merge_keys_are_those_the_whole_walk_records(text: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.yaml"
        path.write_text(text, encoding="utf-8")
        _assert_lookups_match_the_walk(path)


def test_a_fixtures_plan_keeps_the_places_below_it(tmp_path: Path) -> None:
    path = write(tmp_path, "case.yaml", "plan:\n  setup:\n    x: 1\nexpect: {}\n")
    part = read_yaml(path).part("/plan")
    assert (dict(part.locations.items()), "setup" in part.locations) == (
        {"": SourceLocation(str(path), 1, 1), "/setup": SourceLocation(str(path), 2, 3),
         "/setup/x": SourceLocation(str(path), 3, 5)}, False)  # fmt: skip
