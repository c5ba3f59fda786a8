"""notebooks/explore.ipynb runs clean: every cell executes in a real ipykernel (nbclient).

The notebook's `parameters` cell is pointed at a copy of the session's bundled build, so the
notebook reuses it instead of building again; every other cell runs as shipped.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "explore.ipynb"


def test_stored_notebook_has_no_outputs():
    import nbformat

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:40]


def test_notebook_runs_clean(bundled_build, tmp_path):
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    out, code, _ = bundled_build
    assert code == 0
    shutil.copy(out / "graph.ttl", tmp_path / "graph.ttl")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    parameters = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(parameters) == 1
    parameters[0].source = f"from pathlib import Path\nOUT = Path({str(tmp_path)!r})"
    client = NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    try:
        client.execute()
    except CellExecutionError as err:
        pytest.fail(f"a notebook cell failed:\n{err}")
    outputs = "\n".join(
        str(output.get("text", "")) + str(output.get("data", {}).get("text/plain", ""))
        for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs
    )
    assert "F2SA" in outputs  # methods for bilevel optimization, the F2SA-PARL connection
    assert "21.96" in outputs  # the IoU leaderboard
    assert "methods-for-task" in outputs
    html_outputs = [o for c in notebook.cells for o in c.get("outputs", []) if "text/html" in o.get("data", {})]
    assert html_outputs and "<iframe srcdoc=" in html_outputs[-1]["data"]["text/html"]
    assert (tmp_path / "f2sa.html").stat().st_size > 10_000
