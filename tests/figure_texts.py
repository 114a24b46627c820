"""What a figure writes, for tests that check a figure's words and numbers."""

from __future__ import annotations


def texts(fig) -> list[str]:
    """Every text of a matplotlib Figure: each Axes' texts and title, the figure's own texts and its suptitle."""
    found = [text.get_text() for ax in fig.axes for text in [*ax.texts, ax.title]]
    found += [text.get_text() for text in fig.texts]
    return found + ([fig._suptitle.get_text()] if fig._suptitle else [])
