"""What an instructor runs: the grading command and everything behind it.

``python -m cnnkit.grading PATH`` (:mod:`.command`) finds the submissions (:mod:`.discovery`),
copies them before any learner code runs (:mod:`.snapshot`), grades each learner in a judge
process (:mod:`.jobs`, :mod:`.judge`) that runs the learner's code in an isolated runner
(:mod:`.sandbox`, :mod:`.runner`) and talks to it in plain data (:mod:`.protocol`), checks the
graders against their hashes (:mod:`.manifest`) and writes gradebooks (:mod:`.gradebook`).
"""
