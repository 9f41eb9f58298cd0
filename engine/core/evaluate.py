"""Evaluate a plan against the compiled rules in durable_rules, and attribute findings.

One durable_rules ``Host`` per loaded rule set, holding the rulesets the rules are split
into (engine/core/shard.py), each asserted only the fact keys it reads; no thread of its own
calls into the C engine. Each ruleset's facts go in as one JSON text, and each rule that
fires is read by gpca's own loop for its rule name and variant only (``_run_actions``),
not decoded whole and written back as durable_rules' own actions do. Each plan gets a
fresh session whose state is deleted afterwards (a Host keeps at most 1024 live states);
a ruleset with no rule in effect on the plan's date is not crossed into at all. The set-up as the practice is
("baseline") and with every chosen action applied ("planned") are asserted as two facts
of one session, so attribution costs one crossing, not one per action; the baseline goes
only to the rulesets holding a rule the actions can change.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import logging
import threading
from collections.abc import Iterable, Mapping
from typing import Any

import msgspec
from durable import engine as durable
from msgspec import Struct

from engine.core.apply import (
    ChosenEffects,
    apply_effects,
    chosen_effects,
    conflicting_actions,
    practice_view,
    questions_behind,
)
from engine.core.attribute import BASELINE, PLANNED, Hits, Scene, Variant, attribute_findings
from engine.core.binding import binds, not_binding_reason, not_yet_binding
from engine.core.bounds import check_facts, check_literals
from engine.core.compile import AS_OF_KEY, Derived, compile_rules, flat_key
from engine.core.conditions import Scope, compile_condition, compile_term, compile_weigh, lookup, rule_outcome
from engine.core.dates import long_date, span_words
from engine.core.errors import InputError, InternalError
from engine.core.messages import render_message
from engine.core.model import (
    BREACH_SEVERITIES,
    ActionVerdict,
    Assessment,
    ChosenAction,
    Constraint,
    Outcome,
    Plan,
    Problem,
    RuleResult,
    RuleSet,
    SourceLocation,
)
from engine.core.readings import contested_rule_ids, mark_contested
from engine.core.shard import Shard

_CARRIED = ("sid", "variant", AS_OF_KEY)
ATTEMPTS = 3
Questions = dict[tuple[str, str], tuple[str, ...]]  # (rule id, variant) -> plan paths
SEEN = "_seen"
Batches = list[tuple[str, list[dict[str, Any]]]]  # (ruleset name, the facts it is asserted)


class _FailureLog(logging.Handler):
    """durable_rules logs, rather than raises, some failures inside a batch of actions
    (now and then "error code: 307", a node deleted twice), and its actions are then
    silently lost. Catch the log, keep it off the user's screen, and evaluate again."""

    def emit(self, record: logging.LogRecord) -> None:
        FAILURES.append(record.getMessage().split(", traceback")[0])


FAILURES: list[str] = []
# One lock for every Host in the process: durable_rules keeps its handles in one global
# table and queues actions per ruleset, so two evaluations (the planner's threads, or
# two rule sets in `gpca compare`) must never interleave their calls into it.
_ENGINE = threading.Lock()
_DURABLE_LOG = logging.getLogger("durable")
_DURABLE_LOG.addHandler(_FailureLog(logging.ERROR))
_DURABLE_LOG.propagate = False


class _QuietHost(durable.Host):
    """A Host that never calls into the C engine on its own. durable_rules' Host starts
    two daemon threads (``Host._run``) that every 0.2 s dispatch pending actions and
    timers; the engine's lock does not cover them, so they raced the main thread's
    assertions, took its actions away, and now and then crashed the process (SIGSEGV,
    "error code: 307", verdicts dropped). gpca uses no timers and runs every action
    from ``assert_facts`` itself, so the threads have nothing to do but harm."""

    def _run(self) -> None:
        pass

    def run_facts(self, name: str, facts: list[dict[str, Any]], fired: list[tuple[str, str]]) -> None:
        """Assert ``facts`` into the ruleset ``name``, adding each firing's (rule, variant) to ``fired``."""
        _run_actions(self.get_ruleset(name), facts, fired)


class Evaluator:
    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self.compiled = compile_rules(rules)
        check_literals(self.compiled.definition)
        self._constraints = {rule.id: rule for rule in rules.constraints}
        outcomes = self.compiled.outcomes
        self._contested = contested_rule_ids(rules)
        self._derivations = [_derivation(derived) for derived in self.compiled.derived]
        self._weighers = {rule.id: _weighers(rule) for rule in rules.constraints}
        shards = self.compiled.shards
        self._held = {shard.name: frozenset(outcomes[name][0] for name in shard.rules) for shard in shards}
        self._reads = {shard.name: _CARRIED + tuple(sorted(shard.keys - set(_CARRIED))) for shard in shards}
        # a period takes effect on its start and lapses just after its end: the least text
        # that sorts after the end (the dates are compared as text, as the engine does)
        self._changes = sorted({p.start for r in rules.constraints for p in r.effective if p.start}
                               | {p.end + "\0" for r in rules.constraints for p in r.effective if p.end})  # fmt: skip
        self._between: dict[int, tuple[frozenset[str], tuple[Shard, ...]]] = {}
        self._fired: list[tuple[str, str]] = []  # (durable rule, variant) of each firing
        self._hits: list[tuple[str, str, str]] = []  # (rule id, outcome, variant) of each
        self._sessions = itertools.count(1)
        self._lock = _ENGINE
        with _ENGINE:
            self._host = self._new_host()

    def _new_host(self) -> Any:
        host = _QuietHost()
        shards = self.compiled.shards
        host.register_rulesets({shard.name: self._definition(shard) for shard in shards})
        return host

    def _definition(self, shard: Shard) -> dict[str, Any]:
        definition = {
            name: {**self.compiled.definition[name],
                   "run": self._recorder(name)}
            for name in shard.rules
        }
        # Every fact must match a rule. durable_rules' own Host drops a whole batch's actions
        # when one fact matches none (MessageNotHandledException); gpca's loop would take
        # them, but deleting a session whose every fact matched nothing crashes the C engine
        # (SIGSEGV, on a plan with an empty set-up), as did a catch-all made to wait for a
        # second fact that never comes (double free). So each fact fires this one.
        definition[SEEN] = {"all": [{"m": {"$ex": {"variant": 1}}}], "run": _ignore}
        return definition

    def _recorder(self, name: str) -> Any:
        fired = self._fired

        def record(c: Any) -> None:  # only if durable_rules ran its own actions (it does not)
            fired.append((name, c.m.variant))

        return record

    def assess(self, plan: Plan, as_of: str | None = None, attribute: bool = True) -> Assessment:
        """The plan's verdicts on the date; ``attribute=False`` skips attribution (benchmarks)."""
        day = as_of or plan.assessed_on
        conflicts = conflicting_actions(plan.actions, self.rules, day)
        if conflicts:
            raise InputError(conflicts)
        baseline, planned, affected, variants = self._variants(plan, day, attribute)
        with self._lock:
            session = _Session(self, str(next(self._sessions)), day)
            try:
                hits = session.run(variants)
                asserted = session.asserted  # before attribution asserts more facts
                binding = self._in_effect(day) - not_yet_binding(self.rules, plan.practice, day)
                outcomes = {v: self._outcomes(hits, v, binding) for v in (PLANNED, BASELINE)}
                attribution = attribute_findings(
                    Scene(self.compiled.affects, self.rules, plan, baseline, day, affected, planned),
                    outcomes[PLANNED], outcomes[BASELINE], session.run,
                ) if attribute else {}  # fmt: skip
            finally:
                session.close()
        effects = chosen_effects(plan.actions, self.rules)
        asked = {rule_id: self._own_questions(paths, plan, baseline, day, effects)
                 for (rule_id, variant), paths in session.questions.items() if variant == PLANNED}  # fmt: skip
        results = self._results(outcomes[PLANNED], attribution, asked, planned, day)
        verdicts = mark_contested(self._verdicts(plan, results, day), results, self.rules, self._contested)
        return Assessment(plan, day, results, verdicts, facts=asserted)

    def batches_for(self, plan: Plan, as_of: str | None = None) -> Batches:
        """What a session asserts for this plan, ruleset by ruleset (benchmarks)."""
        day = as_of or plan.assessed_on
        variants = self._variants(plan, day, attribute=True)[3]
        session = _Session(self, "facts", day)
        return self.batches([session._fact(*variant) for variant in variants], variants, day)

    def batches(self, facts: list[dict[str, Any]], variants: list[Variant], day: str) -> Batches:
        """Each ruleset's part of the facts, for the rulesets with a rule in effect on the
        day: a fact made for some rules only (the baseline) goes only where they are."""
        batches = []
        for shard in self._live_shards(day):
            held, reads = self._held[shard.name], self._reads[shard.name]
            part = [_only(fact, reads, shard) for fact, (_view, _variant, rule_ids) in zip(facts, variants)
                    if rule_ids is None or not held.isdisjoint(rule_ids)]  # fmt: skip
            if part:
                batches.append((shard.name, part))
        return batches

    def _variants(self, plan: Plan, day: str, attribute: bool) -> tuple[Any, Any, frozenset[str], list[Variant]]:
        """The set-up as it is and as planned, the rules the actions can change, and the
        facts to assert: the planned set-up, and the baseline only where it can differ."""
        baseline = practice_view(plan, self.rules, day)
        planned = apply_effects(baseline, plan.actions, self.rules, day)
        affected = self._affected(plan.actions) if attribute else frozenset()
        variants: list[Variant] = [(planned, PLANNED, None)]
        if affected:
            variants.append((baseline, BASELINE, affected))
        return baseline, planned, affected, variants

    def _affected(self, chosen: Iterable[ChosenAction]) -> frozenset[str]:
        affects = self.compiled.affects
        return frozenset().union(*(affects[choice.id] for choice in chosen if choice.id in affects))

    def _outcomes(self, hits: Hits, variant: str, binding: frozenset[str]) -> dict[str, Outcome]:
        fired = {(rule_id, outcome) for rule_id, outcome, v in hits if v == variant}
        return {rule_id: _outcome(rule_id, fired, rule_id in binding) for rule_id in self._constraints}

    def _live_shards(self, day: str) -> tuple[Shard, ...]:
        """The rulesets holding a rule in effect on ``day``: the others could fire nothing
        that counts (a rule not in effect is not applicable, fired or not), so are not crossed."""
        return self._in_force(day)[1]

    def _in_effect(self, day: str) -> frozenset[str]:
        return self._in_force(day)[0]

    def _in_force(self, day: str) -> tuple[frozenset[str], tuple[Shard, ...]]:
        """The constraints in effect on ``day``, and the rulesets holding one. Both change
        only on the days in ``_changes``, so they are worked out once between two of them."""
        between = bisect.bisect_right(self._changes, day)
        if between not in self._between:
            live = frozenset(rule.id for rule in self.rules.constraints if rule.in_effect(day))
            shards = tuple(shard for shard in self.compiled.shards if live & self._held[shard.name])
            self._between[between] = live, shards
        return self._between[between]

    def _own_questions(self, paths: tuple[str, ...], plan: Plan, baseline: dict[str, Any],
                       day: str, effects: ChosenEffects) -> tuple[str, ...]:  # fmt: skip
        """Each question at the path that answers it: a set-up path that a chosen action
        overwrites is asked as that action's own parameter (or as the item fields its
        ``where`` reads), so that answering it never brings the same question back."""
        asked: list[str] = []
        for path in paths:
            behind = questions_behind(path, plan.actions, self.rules, baseline, day, effects)
            asked += [path] if behind is None else behind
        return tuple(dict.fromkeys(asked))

    def _results(self, outcomes: dict[str, Outcome], attribution: dict[str, tuple[str, ...]],
                 questions: dict[str, tuple[str, ...]], planned: dict[str, Any],
                 day: str) -> tuple[RuleResult, ...]:  # fmt: skip
        """Each constraint's result, in the rule set's order: a failure with its message and
        remedy, "cannot tell" with its questions, "not applicable" with the reason."""
        results = []
        for rule_id, rule in self._constraints.items():
            outcome, attributed = outcomes[rule_id], attribution.get(rule_id, ())
            if outcome == "fail":
                message, remedy = (render_message(text, rule, planned, day) for text in (rule.message, rule.remedy))
                results.append(RuleResult(rule_id, outcome, rule.severity, attributed, (), message, remedy))
            elif outcome == "cannot_tell":
                results.append(RuleResult(rule_id, outcome, rule.severity, attributed, questions.get(rule_id, ())))
            elif outcome == "not_applicable":
                reason = self._reason(rule, day, planned["practice"])
                results.append(RuleResult(rule_id, outcome, rule.severity, attributed, reason=reason))
            else:
                results.append(RuleResult(rule_id, outcome, rule.severity, attributed))
        return tuple(results)

    def _reason(self, rule: Constraint, day: str, practice: Mapping[str, Any]) -> str:
        """Why a rule is not applicable (a rule in effect binds every practice unless it
        binds by variation)."""
        if rule.id not in self._in_effect(day):
            return self._out_of_effect(rule.id, day)
        if rule.binds_by_variation and not binds(rule, practice, day):
            return not_binding_reason(rule, practice, day)
        return "does not apply to this plan"

    def _out_of_effect(self, rule_id: str, day: str) -> str:
        return f"not in effect on {long_date(day)} (in effect {self._periods(rule_id)})"

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one Evaluator per rule set, kept for its life
    def _periods(self, rule_id: str) -> str:
        return "; ".join(span_words(p.start, p.end) for p in self._constraints[rule_id].effective) or "never"

    def _verdicts(self, plan: Plan, results: tuple[RuleResult, ...], day: str) -> tuple[ActionVerdict, ...]:
        verdicts = []
        for choice in plan.actions:
            mine = [r for r in results if choice.id in r.attributed_to]
            risks = [r.rule_id for r in mine if r.outcome == "fail" and r.severity in BREACH_SEVERITIES]
            unknown = [r.rule_id for r in mine if r.outcome == "cannot_tell"]
            cautions = [r.rule_id for r in mine if r.outcome == "fail" and r.severity not in BREACH_SEVERITIES]
            status = ("risk" if risks else "cannot_tell" if unknown
                      else "safe_with_cautions" if cautions else "safe")  # fmt: skip
            action = self.rules.action(choice.id)
            in_phase = any(p.status == "recommended" and p.contains(day) for p in action.phases)
            verdicts.append(ActionVerdict(choice.id, status, tuple(risks + unknown), tuple(cautions), in_phase))
        return tuple(verdicts)


def _ignore(c: Any) -> None:
    pass


class _Fact(Struct):
    variant: str


class _Match(Struct):
    m: _Fact


_FIRING = msgspec.json.Decoder(dict[str, _Match])  # {rule name: {"m": the fact}}, the rest skipped
_C = durable.durable_rules_engine
# msgspec writes the same JSON as json.dumps for every value the bounds let through (no
# float in them needs an exponent, and NaN is refused), compactly and several times faster.
_encode = msgspec.json.Encoder().encode


def _run_actions(ruleset: Any, facts: list[dict[str, Any]], fired: list[tuple[str, str]]) -> None:
    """Assert ``facts`` and take each rule that fires, as durable_rules' own Host does
    (assert, then start and complete each action in turn), but read of each firing only
    its rule and its fact's variant: no ``Closure``, no action callbacks, no JSON decoded
    whole and written back. The Host also hands each action's state back to the engine
    (``update_state``), which asserts it again as a fact; gpca's actions never change the
    state, so that is a crossing a firing for nothing, and is left out."""
    handle = ruleset._handle
    code, state_handle = _C.assert_facts(handle, _encode(facts).decode())
    if code == 1:
        raise InternalError(f"durable_rules could not handle a fact of ruleset '{ruleset._name}'")
    if code == 2:
        raise InternalError(f"durable_rules had already seen a fact of ruleset '{ruleset._name}'")
    if code == 3:  # as durable_rules' own Ruleset reads this code: no state to act on
        state_handle = 0
    started = _C.start_action_for_state(handle, state_handle)
    if not started:
        return
    message = started[1]
    decode, add, complete = _FIRING.decode, fired.append, _C.complete_and_start_action
    while message:
        try:
            # an action is one rule's: durable_rules' own loop, too, takes the first only
            rule, match = next(iter(decode(message).items()))
            add((rule, match.m.variant))
        except Exception as error:  # a firing gpca cannot read: never a verdict to guess at
            _C.abandon_action(handle, state_handle)
            raise InternalError(f"a durable_rules action failed: {error!r}") from error
        message = complete(handle, state_handle)


def _outcome(rule_id: str, fired: set[tuple[str, str]], in_effect: bool) -> Outcome:
    if not in_effect:
        return "not_applicable"
    for outcome, name in (("fail", "fail"), ("na", "not_applicable"), ("pass", "pass")):
        if (rule_id, outcome) in fired:
            return name  # type: ignore[return-value]
    return "cannot_tell"


class _Session:
    """One durable_rules session: facts in, rule firings out, state deleted on close."""

    def __init__(self, evaluator: Evaluator, sid: str, day: str) -> None:
        self.evaluator, self.sid, self.day = evaluator, sid, day
        self.questions: Questions = {}  # (rule id, variant) -> what would settle it
        self.crossed: set[str] = set()  # the rulesets this session has state in, on this Host

    def run(self, variants: list[Variant]) -> Hits:
        facts = [self._fact(view, variant, rule_ids) for view, variant, rule_ids in variants]
        self.asserted: dict[str, Any] = facts[0]
        batches = self.evaluator.batches(facts, variants, self.day)
        check_facts([part for _name, batch in batches for part in batch])  # the last line of defence
        for _attempt in range(ATTEMPTS):
            failure = self._assert(batches) or self._silent(variants)
            if failure is None:
                return set(self.evaluator._hits)
            self._renew()
        raise InternalError(f"durable_rules failed {ATTEMPTS} times on this plan: {failure}")

    def _assert(self, batches: Batches) -> str | None:
        """Assert each ruleset its facts; what went wrong inside durable_rules, if anything."""
        fired = self.evaluator._fired
        fired.clear()
        FAILURES.clear()
        for name, facts in batches:
            for fact in facts:  # each a part made for this session: a fresh Host's session id
                fact["sid"] = self.sid
            try:
                self.crossed.add(name)
                self.evaluator._host.run_facts(name, facts, fired)
            except durable.durable_rules_engine.error as error:
                return str(error)
        outcomes = self.evaluator.compiled.outcomes
        self.evaluator._hits = [(*outcomes[rule], variant) for rule, variant in fired if rule != SEEN]
        return FAILURES[0] if FAILURES else None

    def _silent(self, variants: list[Variant]) -> str | None:
        """A rule that should have fired but did not: durable_rules now and then drops
        the rest of a batch of actions without a word. A rule that fires nothing is
        "cannot tell", so only those are checked, against the condition in Python; what
        would settle each is kept for the report."""
        fired = {(rule_id, variant) for rule_id, _outcome, variant in self.evaluator._hits}
        in_effect = self.evaluator._in_effect(self.day)
        constraints = self.evaluator._constraints
        for view, variant, rule_ids in variants:
            for rule_id in in_effect if rule_ids is None else in_effect & rule_ids:
                if (rule_id, variant) in fired:
                    continue
                questions = _questions(constraints[rule_id], self.evaluator._weighers[rule_id], view, self.day)
                if questions is None:
                    return f"durable_rules dropped the verdict of {rule_id}"
                if not questions:
                    raise InputError([_not_computable(constraints[rule_id])])
                self.questions[rule_id, variant] = questions
        return None

    def _renew(self) -> None:
        """Start again on a fresh Host: after such a failure durable_rules' own state is
        not to be trusted (not even to delete a session), and each fact stands alone, so
        the old Host is dropped whole and nothing else is lost."""
        self.evaluator._host = self.evaluator._new_host()
        self.sid = str(next(self.evaluator._sessions))
        self.crossed = set()

    def close(self) -> None:
        for name in sorted(self.crossed):
            try:
                self.evaluator._host.delete_state(name, self.sid)
            except Exception:  # noqa: BLE001 - a session that never stored state has nothing to delete
                pass

    def _fact(self, view: dict[str, Any], variant: str, rule_ids: frozenset[str] | None) -> dict[str, Any]:
        compiled = self.evaluator.compiled
        if rule_ids is not None:
            view = _project(view, set().union(*(compiled.reads[r] for r in rule_ids)) if rule_ids else set())
        fact = flatten(view)
        fact.update({"sid": self.sid, "variant": variant, AS_OF_KEY: self.day})
        # a rule out of effect is not applicable whatever it reads: derive nothing for it
        wanted = self.evaluator._in_effect(self.day)
        wanted = wanted if rule_ids is None else wanted & rule_ids
        lets: dict[str, Scope] = {}
        for derived, derive in zip(compiled.derived, self.evaluator._derivations):
            if derived.rule_id in wanted and derived.key not in fact:
                if derived.rule_id not in lets:
                    lets[derived.rule_id] = self._scope(view, derived.rule_id)
                _assert_derived(fact, derived, lets[derived.rule_id], derive)
        return fact

    def _scope(self, view: dict[str, Any], rule_id: str) -> Scope:
        return Scope(view, self.day, self.evaluator._constraints[rule_id].lets)


Weighers = tuple[Any, Any]  # a constraint's applies_when and fails_when, compiled (conditions.compile_weigh)


def _weighers(rule: Constraint) -> Weighers:
    return (None if rule.applies_when is None else compile_weigh(rule.applies_when)), compile_weigh(rule.fails_when)


def _questions(rule: Constraint, weighers: Weighers, view: dict[str, Any], day: str) -> tuple[str, ...] | None:
    """What the plan must answer to settle the rule, the scope first, then the test;
    None when it settles it (so that one of the rule's durable rules must fire). Only
    the unknown conditions ask: a known one cannot change the outcome. Nothing to ask
    for an unsettled rule means a calculation in it has no value on these answers."""
    scope = Scope(view, day, rule.lets)
    weigh_scope, weigh_test = weighers
    applies, scope_missing = (True, set()) if weigh_scope is None else weigh_scope(scope, "")
    fails, test_missing = weigh_test(scope, "")
    if rule_outcome(applies, fails) != "cannot_tell":
        return None
    return tuple(sorted(scope_missing)) + tuple(sorted(test_missing - scope_missing))


def _not_computable(rule: Constraint) -> Problem:
    """A rule no answer can settle: a term in it (such as a division by an answer of 0) has
    no value. Neither pass nor fail can be said, and no question would help."""
    return Problem(
        "rule-not-computable",
        f"the rule '{rule.id}' cannot be worked out for this plan: a calculation in it has no "
        "value on the plan's answers (for example a division by 0)",
        SourceLocation(rule.file, 1, 1) if rule.file else None,
        hint="check the rule's arithmetic against the answers it reads, or tell the rule's authors",
    )


def _derivation(derived: Derived) -> Any:
    """How to work out a derived value: a term or flag compiled once, with the rule set."""
    if derived.kind == "term":
        return compile_term(derived.expression)
    return compile_condition(derived.expression) if derived.kind == "flag" else None


def _assert_derived(fact: dict[str, Any], derived: Derived, scope: Scope, derive: Any) -> None:
    if derived.kind == "length":
        items = lookup(scope.data, derived.expression)
        if isinstance(items, list):
            fact[derived.key] = len(items)
        return
    if derived.kind == "term":
        value = derive(scope)
        if value is not None:
            fact[derived.key] = value
        return
    items = lookup(scope.data, derived.within or "")
    flat_items = fact.get(flat_key(derived.within or ""))
    if not isinstance(items, list) or not isinstance(flat_items, list):
        return
    for item, flat_item in zip(items, flat_items):
        if isinstance(item, dict):
            value = derive(scope.within(item))
            if value is not None:
                flat_item[derived.key] = value


def _only(fact: dict[str, Any], reads: tuple[str, ...], shard: Shard) -> dict[str, Any]:
    """The part of a fact one ruleset reads (``reads``: what every fact carries, then the
    keys the ruleset reads, in a fixed order). A list's items keep only the keys the
    ruleset reads: each constraint over a list adds its own flags to every item, and a
    large rule set would otherwise pass the engine's limit on keys."""
    part = {key: fact[key] for key in reads if key in fact}
    for key, fields in shard.item_keys.items():
        value = part.get(key)
        if type(value) is list:
            part[key] = _items_only(value, fields)
    return part


def _items_only(items: list[Any], fields: frozenset[str]) -> list[Any]:
    return [{k: v for k, v in item.items() if k in fields} if type(item) is dict else item for item in items]


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested mappings become ``a__b`` keys; lists keep their items, each flattened."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = prefix + str(key)
        if type(value) is dict:  # plans are plain dicts; abc checks are slow
            flat.update(flatten(value, name + "__"))
        elif isinstance(value, list):
            flat[name] = [flatten(item) if type(item) is dict else item for item in value]
        elif value is not None:
            flat[name] = value
    return flat


def _project(view: dict[str, Any], paths: set[str]) -> dict[str, Any]:
    """Only the parts of the view that these paths read."""
    projected: dict[str, Any] = {}
    for path in paths:
        head = path.split("[]")[0]
        value = lookup(view, head)
        if value is None:
            continue
        *parents, leaf = head.split(".")
        target = projected
        for step in parents:
            target = target.setdefault(step, {})
        target[leaf] = value
    return projected
