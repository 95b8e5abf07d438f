#!/usr/bin/python3
"""Writes every unlearning reference file (see README.md, "Unlearning references") by running
the scripts under tools/reference/unlearning/ in turn: SSD, SalUn and the analytic head."""
import pathlib
import runpy
import sys

HERE = pathlib.Path(__file__).resolve().parent

if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    for name in ("ssd", "salun", "analytic"):
        print(f"== {name}", flush=True)
        runpy.run_path(str(HERE / "unlearning" / f"{name}.py"), run_name="__main__")
