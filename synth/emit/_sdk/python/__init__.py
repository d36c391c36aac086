"""The fixed modules of the generated Python SDK, as real files that ruff and mypy check.

``_base.py``, ``_runtime.py`` and ``errors.py`` are copied into every generated SDK with
their slots filled (``synth.emit._sdk.python_templates``, ``synth._template``). ``models.py``
stands in for the models datamodel-code-generator writes, so the three type-check here; it
is never copied. Nothing imports this package at run time.
"""
