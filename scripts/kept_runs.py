"""The kept runs of a batch's output folder: steps.csv's rows grouped by its
`run` column (write more runs with `minesim run ... --keep-runs N`)."""
import csv
import os


def kept_runs(out):
    """[(run, rows)] in run order; rows are dicts of steps.csv's cells."""
    runs = {}
    with open(os.path.join(out, "steps.csv"), newline="") as f:
        for r in csv.DictReader(f):
            runs.setdefault(int(r["run"]), []).append(r)
    return sorted(runs.items())
