"""A package only so that its conftest.py loads as ``e2e.conftest``.

A second plain ``conftest`` module would replace the suite's own in
``sys.modules`` and break every ``from conftest import ...`` collected after it.
"""
