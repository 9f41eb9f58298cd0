"""The planner's endpoints as plain functions: request body in, ``Reply`` out.

Nothing is kept between requests: each plan is checked and forgotten.
"""

from __future__ import annotations

import json
import re
from typing import Any

from engine.errors import InputError
from engine.evaluate import Evaluator
from engine.horizon import check_day
from engine.model import Assessment, Plan, Problem, RuleSet
from engine.web import plans
from engine.web.catalogue import catalogue, needed_questions
from engine.web.html_report import render_html
from engine.web.plans import PlanProblems
from engine.web.reply import JSON, Reply, json_reply, problems_reply
from engine.web.timeline import timelines
from engine.web.verdicts import assessment_dict


class Api:
    def __init__(self, evaluator: Evaluator) -> None:
        self.evaluator = evaluator
        self.rules = evaluator.rules
        self._catalogue = json.dumps(catalogue(self.rules), ensure_ascii=False).encode("utf-8")

    def catalogue(self) -> Reply:
        return Reply(200, JSON, self._catalogue)

    def assess(self, body: bytes) -> Reply:
        """The plan's verdicts, the questions it needs and each action's dates ahead."""
        data = _json_or_problems(body)
        if isinstance(data, Reply):
            return data
        needed = needed_questions(data, self.rules, self.evaluator.compiled)
        try:
            plan, problems = _assessable(data, self.rules)
        except PlanProblems as trouble:
            return problems_reply(422, trouble.problems, needed=needed)
        try:
            assessment = self._assess(plan)
        except InputError as error:  # a date before any rule, a value the engine cannot take
            return problems_reply(422, error.problems, needed=needed)
        result = assessment_dict(assessment, self.rules)
        ahead = timelines(self.evaluator, plan, assessment.as_of)
        for action in result["actions"]:
            action["timeline"] = ahead[action["id"]]
        return problems_reply(200, problems, needed=needed, assessment=result, left_out=bool(problems))

    def _assess(self, plan: Plan) -> Assessment:
        check_day(self.rules, plan.assessed_on, "assessed_on")
        return self.evaluator.assess(plan)

    def upload(self, body: bytes) -> Reply:
        """An uploaded YAML plan as data for the form, with every problem gpca check finds."""
        try:
            doc = plans.parse_yaml(body)
        except PlanProblems as trouble:
            return problems_reply(400, trouble.problems)
        if not isinstance(doc.data, dict):
            return problems_reply(400, [Problem("not-a-mapping", "a plan is a mapping")])
        doc = plans.reshaped(doc)  # an older plan's single answers, in today's shape for the form
        try:
            plans.checked_plan(doc, self.rules)
            problems: list[Problem] = []
        except PlanProblems as trouble:
            problems = trouble.problems
        return problems_reply(200, problems, plan=doc.data)

    def yaml(self, body: bytes) -> Reply:
        """The plan as a YAML file, only once ``gpca check`` would accept it."""
        data = _json_or_problems(body)
        if isinstance(data, Reply):
            return data
        try:
            plans.checked_plan(plans.document(data), self.rules)
        except PlanProblems as trouble:
            return problems_reply(422, trouble.problems)
        name = _file_stem(data) + "-plan.yaml"
        return Reply(200, "application/yaml; charset=utf-8", plans.to_yaml(data).encode("utf-8"),
                     {"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip

    def report(self, body: bytes) -> Reply:
        """The self-contained HTML report of the plan, for printing or keeping."""
        data = _json_or_problems(body)
        if isinstance(data, Reply):
            return data
        try:
            plan = plans.checked_plan(plans.document(data), self.rules)
        except PlanProblems as trouble:
            return problems_reply(422, trouble.problems)
        try:
            assessment = self._assess(plan)
        except InputError as error:
            return problems_reply(422, error.problems)
        ahead = timelines(self.evaluator, plan, assessment.as_of)
        html = render_html(assessment, self.rules, ahead)
        name = _file_stem(data) + "-report.html"
        return Reply(200, "text/html; charset=utf-8", html.encode("utf-8"),
                     {"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


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
        return problems_reply(400, trouble.problems)


def _file_stem(data: dict[str, Any]) -> str:
    practice = data.get("practice") if isinstance(data.get("practice"), dict) else {}
    name = str(practice.get("name") or "practice")
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "practice"
