"""Emitters: each is a pure function from the ``ApiSpec`` to ``{relative path: text}``."""
