"""A small progress bar for long-running management commands (seeding, imports, reindexing)."""

import sys


class Progress:
    """Writes `label [#####     ] 12/96` on one line, redrawn in place on a terminal and sparingly elsewhere."""

    WIDTH = 30

    def __init__(self, label, total, stream=None):
        self.label = label
        self.total = max(total, 0)
        self.stream = stream or sys.stdout
        self.done = 0
        self._interactive = getattr(self.stream, "isatty", lambda: False)()
        self._last_tenth = -1

    def advance(self, steps=1):
        self.done = min(self.done + steps, self.total) if self.total else self.done + steps
        self._draw()

    def _draw(self):
        fraction = self.done / self.total if self.total else 1
        if not self._interactive:
            # In logs, one line per tenth rather than one per step.
            tenth = int(fraction * 10)
            if tenth == self._last_tenth:
                return
            self._last_tenth = tenth
        filled = int(fraction * self.WIDTH)
        line = f"{self.label} [{'#' * filled}{' ' * (self.WIDTH - filled)}] {self.done}/{self.total}"
        self.stream.write(("\r" + line) if self._interactive else line + "\n")
        self.stream.flush()

    def __enter__(self):
        self._draw()
        return self

    def __exit__(self, *exc):
        if self._interactive:
            self.stream.write("\n")
            self.stream.flush()
        return False
