"""Check a conformance report of the "torch" backend against the gaps it declares.

    python -m tinytorch.conformance --device torch:0 --report torch.json
    python examples/backend_torch/check_report.py torch.json

Exits 1 if a property failed that `tinytorch_torch.KNOWN_GAPS` does not list, or if nothing
passed on torch:0 (the backend did not load); CI runs it after the suite.
"""

from __future__ import annotations

import json
import sys

from tinytorch_torch import KNOWN_GAPS


def main(path: str, device: str = "torch:0") -> int:
    report = json.loads(open(path).read())
    entry = report["devices"].get(device)
    if entry is None or not entry["counts"]["passed"]:
        print(f"{device}: nothing passed; the backend did not run: "
              f"{entry and entry['unavailable_reason']}")
        return 1
    failed = [name for category in entry["categories"].values()
              for name, result in category["properties"].items() if result["outcome"] == "failed"]
    unknown = [name for name in failed if name not in KNOWN_GAPS]
    for name in unknown:
        print(f"{device}: {name} failed, and tinytorch_torch.KNOWN_GAPS does not list it")
    known = len(failed) - len(unknown)
    print(f"{device}: {entry['counts']['passed']} properties hold; {known} known gaps of "
          f"PyTorch show; {len(unknown)} unexplained")
    return 1 if unknown else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
