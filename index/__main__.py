"""`python -m index build [--force]` / `python -m index check`: build or inspect the index."""

from __future__ import annotations

import argparse
import sys

from index.settings import IndexSettings
from index.store import IndexError_, build, load_or_build, staleness


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m index", description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="build the index if stale (or always with --force)")
    b.add_argument("--force", action="store_true", help="rebuild even when current")
    sub.add_parser("check", help="say whether the index is current")
    args = parser.parse_args(argv)
    settings = IndexSettings.from_env()
    progress = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    try:
        if args.cmd == "build" and args.force:
            build(settings, progress)
        elif args.cmd == "build":
            store = load_or_build(settings, progress)
            print(f"Index current: {store.manifest['counts']}", file=sys.stderr)
        else:
            from index.embed import MiniLMEmbedder, UseEmbedder

            use_name = UseEmbedder.name if settings.multilingual else None
            reason = staleness(settings, MiniLMEmbedder.name, use_name)
            print(reason or f"current: {settings.index_dir}")
            return 1 if reason else 0
    except IndexError_ as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
