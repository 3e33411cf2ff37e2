"""The top frames of a py-spy raw (collapsed) profile: self time and inclusive shares.

.venv/bin/python bench/profile_top.py bench/results/profiles/compiled.txt [--top 15]
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
from pathlib import Path

# Packages whose inclusive share the summary names (a frame's file path contains them).
# py-spy names a frame `function (package/module.py:line)`; these open the parenthesis.
PACKAGES = ("(graphql/", "(strawberry/", "(sqlalchemy/", "(asyncio/", "(server/graphql/compiled/")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)
    own: collections.Counter[str] = collections.Counter()
    within: collections.Counter[str] = collections.Counter()
    package_self: collections.Counter[str] = collections.Counter()
    total = 0
    for line in args.profile.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        frames = [f for f in stack.split(";") if not f.startswith(("process ", "thread "))]
        if not frames:
            continue
        total += samples
        own[short(frames[-1])] += samples
        for package in PACKAGES:
            if any(package in frame for frame in frames):
                within[package] += samples
            if package in frames[-1]:
                package_self[package] += samples
    print(f"{total} samples\n\nself time")
    for frame, samples in own.most_common(args.top):
        print(f"{100 * samples / total:5.1f}%  {frame}")
    print("\npackage    self   inclusive")
    for package in PACKAGES:
        print(
            f"{package[1:]:<28}{100 * package_self[package] / total:5.1f}%"
            f"{100 * within[package] / total:7.1f}%"
        )
    return 0


def short(frame: str) -> str:
    """`function (path/to/file.py:line)` with the path cut after site-packages or the repo."""
    return re.sub(r"\(.*?(site-packages/|wt-[^/]+/|main/)", "(", frame)


if __name__ == "__main__":
    sys.exit(main())
