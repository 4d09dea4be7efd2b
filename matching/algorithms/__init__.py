"""Pure cohort matching: stable (deferred acceptance) and optimal (min-cost flow), candidates.

Imports nothing from Django, the ORM or settings (``tests/matching/test_layout.py`` checks).
``assignment`` holds the public functions; ``flow`` and ``stable`` the array kernels.
"""
