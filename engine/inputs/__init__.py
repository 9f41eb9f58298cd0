"""Inputs: files read, checked and turned into the core's records.

Reading YAML with the place of every value (``read``), JSON Schema and cross-reference
checks (``validate``, ``rule_safety``), rule sets and plans built from documents
(``load``), local packs layered over the national rules (``packs``), the rules cache
(``cache``), waivers (``waive``), deprecated plan fields (``migrate``), size limits
(``limits``), the project configuration (``project``) and the plan template
(``template``).

May import ``engine.core``; nothing above it.
"""
