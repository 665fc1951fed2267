"""`python -m tinytorch.distributed.run --nproc 4 train.py`: torchrun's habits, mpiexec's work.

What it does: builds `mpiexec -n 4 <this python> train.py [args]` (or
`... -m package.module [args]` with `-m`), runs it, and exits with its exit
status. Everything else (ranks, connecting the processes, killing the job
when a rank aborts) is the MPI launcher's job. `--dry-run` prints the
command instead of running it.

Assumes: `mpiexec` is on PATH or next to the Python interpreter (where the
`mpich` wheel puts it); one machine, or whatever hosts `--mpi-args` passes
on (for example `--mpi-args="-hosts a,b"`).
Production does instead: torchrun starts the workers itself, rendezvouses
them through a key-value store, sets RANK/LOCAL_RANK/WORLD_SIZE, and can
restart the whole group when a worker fails (`--max-restarts`).
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from .collectives import INSTALL_MPI


def find_mpiexec() -> str:
    found = shutil.which("mpiexec")
    if found:
        return found
    beside = Path(sys.executable).parent / "mpiexec"
    if beside.exists():
        return str(beside)
    raise SystemExit(f"tinytorch.distributed.run: no `mpiexec` on PATH or next to "
                     f"{sys.executable}. Install one with: {INSTALL_MPI}")


def build_command(argv) -> tuple[list[str], bool]:
    parser = argparse.ArgumentParser(
        prog="python -m tinytorch.distributed.run",
        description="Start N copies of a training script as one MPI job (torchrun look-alike).")
    parser.add_argument("--nproc", "--nproc-per-node", "--nproc_per_node", type=int, default=1,
                        dest="nproc", help="number of processes (ranks) to start")
    parser.add_argument("--mpi-args", default="", help="extra arguments for mpiexec")
    parser.add_argument("--dry-run", action="store_true", help="print the command, run nothing")
    parser.add_argument("-m", dest="module", action="store_true",
                        help="run the script argument as a module (python -m)")
    parser.add_argument("script", help="the training script (or module, with -m)")
    parser.add_argument("script_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.nproc < 1:
        parser.error(f"--nproc must be at least 1, got {args.nproc}")
    target = ["-m", args.script] if args.module else [args.script]
    return [find_mpiexec(), "-n", str(args.nproc), *shlex.split(args.mpi_args),
            sys.executable, *target, *args.script_args], args.dry_run


def main(argv=None) -> int:
    command, dry_run = build_command(sys.argv[1:] if argv is None else argv)
    if dry_run:
        print(shlex.join(command))
        return 0
    return subprocess.call(command, env=os.environ.copy())


if __name__ == "__main__":
    sys.exit(main())
