"""Benchmark: how well and how fast party names match the screening lists.

Prints recall, precision and false-positive rate of the evaluation in ``tests/parties/name_samples.py`` (the
sample list's companies written as filings write them, and generated Chinese company names on no list) against
the sample list; then matching speed, in names per second, against a list of 10,000 generated list-style entries
plus the sample list, and how many unrelated names hit one of those entries. Pure matching, as
``parties.services.screen_names`` runs once its index is built: normalising the party's name, the pre-filter,
scoring; no database.

    .venv/bin/python bench/party_matching.py [--entries 10000] [--names 600]
"""
import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from parties.matching import ListedName, ScreeningIndex, name_forms  # noqa: E402
from parties.policy import MATCHING_POLICY  # noqa: E402
from tests.parties.name_samples import (  # noqa: E402
    evaluate,
    romanised_list,
    sample_list_names,
    true_positives,
    unrelated_names,
)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--names", type=int, default=600)
    options = parser.parse_args()
    print(f"Policy {MATCHING_POLICY.version}, threshold {MATCHING_POLICY.threshold}")

    names, numbers = sample_list_names()
    negatives = unrelated_names(options.names)
    result = evaluate(ScreeningIndex(names, []), numbers, negatives)
    print(f"Sample list ({len(numbers)} entries): recall {result.recall:.3f} ({result.found}/{result.positives}), "
          f"precision {result.precision:.3f}, false-positive rate {result.false_positive_rate:.4f} "
          f"({result.flagged}/{result.negatives} unrelated names)")

    started = time.perf_counter()
    generated = [ListedName(len(numbers) + number, name, False, name_forms(name))
                 for number, name in enumerate(romanised_list(options.entries), start=1)]
    large = ScreeningIndex(names + generated, [])
    print(f"Large list: {options.entries:,} generated entries + the sample list, normalised and indexed in "
          f"{time.perf_counter() - started:.2f} s")

    queries = unrelated_names(options.names, seed=99) + [name for name, _ in true_positives()]
    wall, cpu = time.perf_counter(), time.process_time()
    for name in queries:
        large.match_name(name)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"Matching speed: {len(queries)} names in {wall:.2f} s: {len(queries) / wall:,.0f} names/s "
          f"({1000 * wall / len(queries):.2f} ms a name; CPU {1000 * cpu / len(queries):.2f} ms), "
          "normalisation included")

    result = evaluate(large, numbers, negatives)
    print(f"Against the large list: recall {result.recall:.3f}, precision {result.precision:.3f}, false-positive "
          f"rate {result.false_positive_rate:.4f} ({result.flagged}/{result.negatives} unrelated names hit a "
          "generated entry: mostly the same romanised trade name, which romanisation cannot tell apart)")


if __name__ == "__main__":
    main()
