"""The practice planner: a local web page that builds a plan and shows live verdicts.

``gpca serve`` runs it. Nothing here decides a verdict: every verdict comes from the
evaluator, and the page only asks the plan schema's questions and shows the answers.
"""

from engine.web.server import make_server, serve

__all__ = ["make_server", "serve"]
