"""Checkers, one module per notebook; the course manifest (:mod:`cnnkit.course.manifest`) names each
notebook's module, and :mod:`cnnkit.grading.core` imports them, which registers the checkers."""
