"""Print the clause → tests table from reports/clauses.json, and the clauses of
shared/spec/clauses.tsv that no test names yet (when shared/ is beside the project)."""

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT.parent / "shared" / "spec" / "clauses.tsv"


def main(path: str) -> int:
    report = json.loads(Path(path).read_text(encoding="utf-8"))
    width = max((len(c) for c in report), default=10)
    print(f"{'clause':<{width}}  passed  failed  skipped")
    for clause, data in sorted(report.items()):
        outcomes = [t["outcome"] for t in data["tests"]]
        print(
            f"{clause:<{width}}  {outcomes.count('passed'):>6}  {outcomes.count('failed'):>6}"
            f"  {outcomes.count('skipped'):>7}"
        )
    if SPEC.exists():
        with SPEC.open(encoding="utf-8") as fh:
            known = [row["id"] for row in csv.DictReader(fh, delimiter="\t")]
        missing = [c for c in known if c not in report]
        print(f"\n{len(known) - len(missing)} of {len(known)} clauses have tests.")
        if missing:
            print("Without tests yet: " + ", ".join(missing))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "reports/clauses.json"))
