"""``python -m rela``: the ``rela`` command (for environments without the console script)."""

from __future__ import annotations

from rela.entry import main

if __name__ == "__main__":
    main()
