"""labhub's notebook run driver: executes notebooks in place with nbclient, one after the other.

Started by the hub inside a fresh run container as
    python3 /opt/labhub/labhub-run.py [--allow-errors] NOTEBOOK...
with the run folder as the working directory. Each NOTEBOOK (relative to it) already holds the injected parameters;
it is executed and saved where it is, also when a cell fails, so the hub can read the error from its outputs.
Progress goes to stdout, one line per cell, which the hub writes to run.log.
Exit code: 0 every notebook ran clean, 1 a cell raised, 2 something else went wrong (message on stderr).
"""
import os
import sys
import time
import warnings

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def say(text):
    print("[labhub] " + text, flush=True)


def echo(out):
    # What the cell prints, as it prints it, so the live log follows the notebook (rich outputs stay in the notebook).
    kind = out.get("output_type")
    if kind == "stream":
        sys.stdout.write(out.get("text", ""))
    elif kind == "error":
        sys.stdout.write("%s: %s\n" % (out.get("ename", ""), out.get("evalue", "")))
    sys.stdout.flush()


class ProgressClient(NotebookClient):
    """Says when each code cell starts and ends, and passes on what it prints while it runs."""

    def output(self, outs, msg, display_id, cell_index):
        out = super().output(outs, msg, display_id, cell_index)
        if out is not None:
            echo(out)
        return out

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if cell.cell_type != "code":
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        total = len(self.nb.cells)
        say("%s: cell %d of %d running" % (self.label, cell_index + 1, total))
        began = time.monotonic()
        try:
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        finally:
            say("%s: cell %d of %d done in %.2f s" % (self.label, cell_index + 1, total, time.monotonic() - began))


def run(path, allow_errors, cwd):
    nb = nbformat.read(path, as_version=4)
    code_cells = sum(1 for c in nb.cells if c.cell_type == "code")
    say("%s: %d cells (%d code)" % (path, len(nb.cells), code_cells))
    # A batch job's kernel starts in the notebook's folder in the owner's home, as it would in their server;
    # preserve and re-run start it next to the copy they run.
    folder = cwd if cwd and os.path.isdir(cwd) else os.path.dirname(os.path.abspath(path))
    if cwd and folder != cwd:
        say("%s is not a folder here; the kernel starts in %s" % (cwd, folder))
    client = ProgressClient(nb, timeout=None, startup_timeout=120, allow_errors=allow_errors,
                            resources={"metadata": {"path": folder}})
    client.label = path
    failed = False
    try:
        client.execute()
    except CellExecutionError:
        failed = True
    finally:
        nbformat.write(nb, path)
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.get("output_type") == "error":
                say("%s: cell %d raised %s: %s" % (path, index + 1, out.get("ename", ""), out.get("evalue", "")))
                return False
    return not failed


def main(argv):
    warnings.filterwarnings("ignore")  # nbformat's notices about old notebooks are not the user's business here
    allow_errors = "--allow-errors" in argv
    argv = [a for a in argv if a != "--allow-errors"]
    cwd = None
    if len(argv) >= 2 and argv[0] == "--cwd":
        cwd, argv = argv[1], argv[2:]
    notebooks = argv
    clean = True
    for path in notebooks:
        ok = run(path, allow_errors, cwd)
        clean = clean and ok
        if not ok and not allow_errors:
            say("stopping: %s has a failing cell" % path)
            break
    say("finished: " + ("every cell ran" if clean else "a cell raised an error"))
    return 0 if clean else 1


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Exception as e:  # a notebook that cannot be read, a kernel that does not start ...
        print("[labhub] the run failed: %s: %s" % (type(e).__name__, e), file=sys.stderr, flush=True)
        sys.exit(2)
