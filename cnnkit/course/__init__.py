"""The course itself, as data and tooling.

- :mod:`cnnkit.course.manifest`: every notebook, spelled once (stem, title, topic, exercises,
  library modules);
- :mod:`cnnkit.course.notebooks`: generates the learner copies in ``notebooks/`` from
  ``solutions/``, and runs notebooks;
- :mod:`cnnkit.course.files`: writes what repeats the manifest (the README's notebook table, the
  Classroom workflow);
- :mod:`cnnkit.course.results`: the headline results a notebook reports with ``record``.
"""
