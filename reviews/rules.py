"""Permission predicates for committee work, reviews, discussion and decisions.

The paper-level predicates (author, chair without conflict, assigned reviewer) live in
submissions/rules.py; the ones here build on them.
"""
