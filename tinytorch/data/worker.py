"""DataLoader worker processes: load batches in parallel, in order, and shut down cleanly.

What it does: `WorkerPool` starts `num_workers` processes. The main
process hands out batches of indices round-robin, keeping
`prefetch_factor` batches per worker in flight; each worker builds its
batch (`dataset[i]` for each index, then the collate function) and sends it
back; the main process yields batches in the sampler's order whatever
order they arrive in. Each worker seeds tinytorch's and Python's random
streams with `base_seed + worker_id` (the base drawn from the loader's
stream each pass), then runs `worker_init_fn(worker_id)`;
`get_worker_info()` inside a worker says which worker it is. An error in a
worker is re-raised in the main process with the worker's traceback; a
worker that dies is reported rather than waited on forever. When a pass
ends, or the loop is left early (`break`, an exception), the workers get
a stop message, are joined, and are terminated if they do not exit.

Assumes: batches travel between processes by pickling (tensors pickle
their host arrays), so a cuda tensor built in a worker is copied through
host memory; workers are started fresh for every pass.
Production does instead: PyTorch moves tensors through shared memory
(file descriptors, not copies), can keep workers alive across epochs
(`persistent_workers`), pins memory in a separate thread for faster GPU
copies, and watches workers with a signal handler.
"""

from __future__ import annotations

import multiprocessing
import queue
import random
import traceback
from dataclasses import dataclass

__all__ = ["WorkerInfo", "get_worker_info", "WorkerPool"]

_POLL_SECONDS = 2.0  # how often a waiting main process checks that its workers are alive


@dataclass(frozen=True)
class WorkerInfo:
    id: int
    num_workers: int
    seed: int
    dataset: object


_worker_info: WorkerInfo | None = None


def get_worker_info() -> WorkerInfo | None:
    """In a DataLoader worker: its id, the number of workers, its seed and its dataset copy.

    None in the main process.
    """
    return _worker_info


def _worker_loop(fetch, index_queue, result_queue, worker_id, num_workers, seed, init_fn):
    global _worker_info
    from ..generator import manual_seed
    random.seed(seed)
    manual_seed(seed)
    _worker_info = WorkerInfo(worker_id, num_workers, seed, fetch.dataset)
    try:
        if init_fn is not None:
            init_fn(worker_id)
    except Exception:  # reported with the first batch this worker is asked for
        failure = traceback.format_exc()
    else:
        failure = None
    while True:
        task = index_queue.get()
        if task is None:
            break
        batch_number, indices = task
        if failure is not None:
            result_queue.put((batch_number, None, failure))
            continue
        try:
            result_queue.put((batch_number, fetch(indices), None))
        except Exception:
            result_queue.put((batch_number, None, traceback.format_exc()))


class WorkerPool:
    """`num_workers` processes that turn batches of indices into batches, for one pass."""

    def __init__(self, fetch, num_workers: int, base_seed: int, worker_init_fn=None,
                 context=None, timeout: float = 0):
        if isinstance(context, str):
            context = multiprocessing.get_context(context)
        context = context or multiprocessing.get_context()
        self.timeout = timeout
        self.results = context.Queue()
        self.inboxes, self.workers = [], []
        for worker_id in range(num_workers):
            inbox = context.Queue()
            worker = context.Process(
                target=_worker_loop, daemon=True,
                args=(fetch, inbox, self.results, worker_id, num_workers, base_seed + worker_id,
                      worker_init_fn))
            worker.start()
            self.inboxes.append(inbox)
            self.workers.append(worker)

    def send(self, batch_number: int, indices) -> None:
        self.inboxes[batch_number % len(self.inboxes)].put((batch_number, indices))

    def receive(self):
        """The next (batch_number, batch) to arrive; raises if a worker failed or died."""
        waited = 0.0
        while True:
            try:
                batch_number, batch, failure = self.results.get(timeout=_POLL_SECONDS)
                break
            except queue.Empty:
                waited += _POLL_SECONDS
                dead = [w for w in self.workers if w.exitcode is not None]
                if dead:
                    raise RuntimeError(
                        f"DataLoader worker (pid {dead[0].pid}) exited unexpectedly with exit "
                        f"code {dead[0].exitcode}. If it ran out of memory, use fewer workers "
                        f"or smaller batches; num_workers=0 loads in the main process.") from None
                if self.timeout and waited >= self.timeout:
                    raise RuntimeError(f"DataLoader timed out after {self.timeout} seconds "
                                       f"waiting for a batch from its workers") from None
        if failure is not None:
            worker = batch_number % len(self.workers)
            raise RuntimeError(f"Caught an exception in DataLoader worker process {worker}. "
                               f"Original traceback:\n{failure}")
        return batch_number, batch

    def shutdown(self) -> None:
        for inbox, worker in zip(self.inboxes, self.workers):
            if worker.is_alive():
                try:
                    inbox.put(None)
                except (OSError, ValueError):
                    pass
        for worker in self.workers:
            worker.join(timeout=5)
            if worker.is_alive():
                worker.terminate()
                worker.join(timeout=5)
        for q in (*self.inboxes, self.results):
            q.cancel_join_thread()  # don't block exit on items no one will read
            q.close()
        self.workers, self.inboxes = [], []
