"""Helpers the rule families share. A support module defines no rule and imports no
rule module, so each family (a module or package beside ``support``) can be read, moved or
deleted alone; tests/test_rule_pack_structure.py checks it."""
