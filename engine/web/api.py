"""The planner's endpoints as plain functions: request body in, ``Reply`` out.

Nothing about a plan is kept between requests but the dates ahead of the last few plans
asked for (a cache keyed by the plan's own bytes and date), so a timeline asked for twice
costs one computation.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from typing import Any

from engine.advice.checklist import QuestionGroup, questions_checklist
from engine.core.errors import InputError
from engine.core.evaluate import Evaluator
from engine.core.horizon import check_day
from engine.core.model import Assessment, Plan, Problem, RuleSet
from engine.inputs.load import plan_from_document
from engine.inputs.read import Document, builtin_schema
from engine.inputs.waive import review_waivers, with_waivers
from engine.report import render
from engine.web import plans
from engine.web.catalogue import catalogue, needed_questions
from engine.web.plans import PlanProblems
from engine.web.reply import JSON, Reply, json_reply
from engine.web.timeline import timelines
from engine.web.verdicts import assessment_dict, question_dict
from engine.web.wording import node_at, page_problem

TIMELINES_KEPT = 32  # plans whose dates ahead are kept; one practice manager needs one or two
_ACTION_PARAM = re.compile(r"^/actions/(\d+)/([^/]+)$")


class Api:
    def __init__(self, evaluator: Evaluator) -> None:
        self.evaluator = evaluator
        self.rules = evaluator.rules
        self.schema = builtin_schema("plan.schema.json")
        self._catalogue = json.dumps(catalogue(self.rules), ensure_ascii=False).encode("utf-8")
        self._timelines: OrderedDict[tuple[bytes, str], dict[str, Any]] = OrderedDict()

    def catalogue(self) -> Reply:
        return Reply(200, JSON, self._catalogue)

    def assess(self, body: bytes) -> Reply:
        """The plan's verdicts and the questions it needs: one assessment, no more."""
        data = _json_or_problems(body)
        if isinstance(data, Reply):
            return data
        needed = needed_questions(data, self.rules, self.evaluator.compiled)
        try:
            plan, problems = _assessable(data, self.rules)
            assessment = self._assess(plan)
        except PlanProblems as trouble:
            return self._problems(422, trouble.problems, data, needed=needed)
        except InputError as error:  # a date before any rule, a value the engine cannot take
            return self._problems(422, error.problems, data, needed=needed)
        result = assessment_dict(assessment, self.rules)
        checklist = checklist_dicts(questions_checklist(assessment, self.rules), assessment, self.rules)
        return self._problems(200, problems, data, needed=needed, assessment=result, checklist=checklist,
                              left_out=bool(problems))  # fmt: skip

    def timeline(self, body: bytes) -> Reply:
        """For each chosen action, the dates ahead when its verdict changes: asked for by a
        button, never on every answer, and kept for the last few plans."""
        data = _json_or_problems(body)
        if isinstance(data, Reply):
            return data
        try:
            plan, _ = _assessable(data, self.rules)
            check_day(self.rules, plan.assessed_on, "assessed_on")
        except PlanProblems as trouble:
            return self._problems(422, trouble.problems, data)
        except InputError as error:
            return self._problems(422, error.problems, data)
        key = (plan.raw, plan.assessed_on)
        if key not in self._timelines:
            self._timelines[key] = timelines(self.evaluator, plan, plan.assessed_on)
            while len(self._timelines) > TIMELINES_KEPT:
                self._timelines.popitem(last=False)
        self._timelines.move_to_end(key)
        return json_reply(200, {"as_of": plan.assessed_on, "timelines": self._timelines[key]})

    def _assess(self, plan: Plan) -> Assessment:
        check_day(self.rules, plan.assessed_on, "assessed_on")
        return self.evaluator.assess(plan)

    def upload(self, body: bytes) -> Reply:
        """An uploaded YAML plan as data for the form, with every problem gpca check finds."""
        try:
            doc = plans.parse_yaml(body)
        except PlanProblems as trouble:
            return self._problems(400, trouble.problems, {})
        if not isinstance(doc.data, dict):
            return self._problems(400, [Problem("not-a-mapping", "a plan is a mapping")], {})
        doc = plans.reshaped(doc)  # an older plan's single answers, in today's shape for the form
        try:
            plans.checked_plan(doc, self.rules)
            problems: list[Problem] = []
        except PlanProblems as trouble:
            problems = trouble.problems
        return self._problems(200, problems, doc.data, plan=doc.data)

    def yaml(self, body: bytes) -> Reply:
        """The plan as a YAML file, only once ``gpca check`` would accept it."""
        data = _json_or_problems(body)
        if isinstance(data, Reply):
            return data
        try:
            plans.checked_plan(plans.document(data), self.rules)
        except PlanProblems as trouble:
            return self._problems(422, trouble.problems, data)
        return Reply(200, "application/yaml; charset=utf-8", plans.to_yaml(data).encode("utf-8"),
                     {"Content-Disposition": f'attachment; filename="{plan_file_name(data)}"'})  # fmt: skip

    def report(self, body: bytes) -> Reply:
        """The report ``gpca check --format html`` writes for the plan file the page downloads,
        byte for byte: the same renderer, on the same plan file under the same name."""
        data = _json_or_problems(body)
        if isinstance(data, Reply):
            return data
        try:
            plans.checked_plan(plans.document(data), self.rules)
        except PlanProblems as trouble:
            return self._problems(422, trouble.problems, data)
        try:
            assessment = review_waivers(self._assess(self._downloaded_plan(data)))
        except InputError as error:
            return self._problems(422, error.problems, data)
        html = render("html", [assessment], self.rules)
        name = plan_file_name(data).removesuffix("-plan.yaml") + "-report.html"
        return Reply(200, "text/html; charset=utf-8", html.encode("utf-8"),
                     {"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip

    def _downloaded_plan(self, data: dict[str, Any]) -> Plan:
        """The plan as ``gpca check`` reads the file the page downloads: same bytes, same name."""
        parsed = plans.parse_yaml(plans.to_yaml(data).encode("utf-8"))
        doc = Document(plan_file_name(data), parsed.data, parsed.locations, parsed.raw)
        return with_waivers(plan_from_document(doc, self.rules), doc, self.rules)

    def _problems(self, status: int, problems: list[Problem], data: Any, **extra: Any) -> Reply:
        shown = [self._page_problem(p, data) for p in problems]
        return json_reply(status, {"problems": shown, **extra})

    def _page_problem(self, problem: Problem, data: Any) -> dict[str, Any]:
        """A problem as the page shows it: in plain English, at the question it concerns."""
        said = plans.problem_dict(problem)
        said["message"] = page_problem(problem, self._node(said["field"], data), self.rules)
        said["hint"] = ""
        return said

    def _node(self, field: str, data: Any) -> dict[str, Any] | None:
        own = _ACTION_PARAM.match(field)
        if own is None:
            return node_at(self.schema, field)
        entries = data.get("actions") if isinstance(data, dict) else None
        index = int(own[1])
        entry = entries[index] if isinstance(entries, list) and index < len(entries) else None
        known = {a.id: a for a in self.rules.actions}
        action_id = entry.get("id") if isinstance(entry, dict) else None
        action = known.get(action_id) if isinstance(action_id, str) else None
        node = action.params.get(own[2]) if action else None
        return node if isinstance(node, dict) else None


def checklist_dicts(groups: tuple[QuestionGroup, ...], assessment: Assessment,
                    rules: RuleSet) -> list[dict[str, Any]]:  # fmt: skip
    """The questions still to answer, grouped, as plain data with the pointer each links to;
    an action's own parameter asked in the words of the action's card, which names no id."""
    titles = {action.id: action.title for action in rules.actions}
    return [{"key": group.key, "title": group.title,
             "questions": [{"path": q.path, "pointer": plans.pointer_of(q.path),
                            "question": question_dict(q.path, assessment, rules)["question"],
                            "actions": [titles.get(a, a) for a in q.actions], "rules": list(q.rules)}
                           for q in group.questions]}
            for group in groups]  # fmt: skip


def _assessable(data: Any, rules: RuleSet) -> tuple[Plan, list[Problem]]:
    """The plan to assess, and the problems of the answers left out of it: an answer with a
    problem holds back no verdict but its own, so a mistyped ODS code leaves every verdict."""
    try:
        return plans.checked_plan(plans.document(data), rules), []
    except PlanProblems as trouble:
        salvaged = plans.set_aside(data, trouble.problems) if isinstance(data, dict) else None
        if salvaged is None:
            raise
        kept, shown = salvaged
        try:
            return plans.checked_plan(plans.document(kept), rules), shown
        except PlanProblems:
            raise trouble from None  # leaving the answers out was not enough: show what the user wrote


def _json_or_problems(body: bytes) -> Any:
    try:
        return plans.parse_json(body)
    except PlanProblems as trouble:
        return json_reply(400, {"problems": [plans.problem_dict(p) for p in trouble.problems]})


def plan_file_name(data: dict[str, Any]) -> str:
    """The name of the plan file the page downloads, which the report's replay stamp names."""
    practice = data.get("practice") if isinstance(data.get("practice"), dict) else {}
    name = str(practice.get("name") or "practice")
    stem = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "practice"
    return f"{stem}-plan.yaml"
