"""Checkers, one module per notebook. Importing this package imports every module in it,
which registers all checkers; a new notebook's module needs no other wiring.

A module may set ``LIBRARY_COPY = "cnnkit.something"``: the library module that keeps that
notebook's exercise solutions verbatim (a test holds the two in step), or a tuple of modules
when the exercises live in several.
"""

import importlib
import pkgutil

MODULES = [importlib.import_module(f"{__name__}.{info.name}") for info in pkgutil.iter_modules(__path__)]
