"""Run every benchmark module in bench/ (or the ones named): `python -m bench [name ...] [--opt ...]`."""
from __future__ import annotations

import importlib
import itertools
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    # Names come first; options from the first "--x" on go to the named benchmark(s) main().
    names = list(itertools.takewhile(lambda a: not a.startswith("-"), argv))
    options = argv[len(names):]
    here = Path(__file__).parent
    found = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    chosen = [n for n in found if not names or n in names or n.removeprefix("bench_") in names]
    if not chosen:
        print(f"no benchmark matches {names}; available: {', '.join(found) or 'none'}")
        return 1
    for name in chosen:
        module = importlib.import_module(f"bench.{name}")
        if not names and getattr(module, "ONLY_WHEN_NAMED", False):
            print(f"== {name}: long; run it by name (python -m bench {name.removeprefix('bench_')})")
            continue
        print(f"== {name}")
        module.main(options) if options else module.main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
