"""Real consumers of the array API run on tinytorch tensors: scikit-learn with
`array_api_dispatch=True` and SciPy with `SCIPY_ARRAY_API=1`, on cpu, strict:0 and strict:1,
giving NumPy's results and returning tensors on the input's device; a gradient flows back
through SciPy's logsumexp.

SciPy reads SCIPY_ARRAY_API once, when it is first imported, so the cases run in one
subprocess that sets it before importing anything (the test process may have imported SciPy
already). The subprocess prints one line per case; the test asserts on each.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sklearn")
pytest.importorskip("scipy")

ROOT = Path(__file__).resolve().parents[1]
DEVICES = ("cpu", "strict:0", "strict:1")

SCRIPT = r"""
import json, sys, warnings
warnings.simplefilter("ignore")
import numpy as np
import scipy.special as special
import scipy.stats as stats
import sklearn
from scipy.cluster.vq import whiten
from sklearn.decomposition import PCA
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.linear_model import Ridge
from sklearn.metrics import accuracy_score, mean_squared_error, r2_score
from sklearn.metrics.pairwise import cosine_similarity, euclidean_distances, rbf_kernel
from sklearn.naive_bayes import GaussianNB
from sklearn.preprocessing import LabelEncoder, MinMaxScaler, StandardScaler

import tinytorch as tt

rng = np.random.default_rng(0)
X = rng.normal(size=(20, 4))
y = (X[:, 0] > 0).astype(np.int64)
target = X @ np.array([1.0, 2.0, 0.0, -1.0])
CASES = {
    "PCA": lambda xp: PCA(n_components=2, svd_solver="full").fit_transform(xp(X)),
    "LinearDiscriminantAnalysis": lambda xp: LinearDiscriminantAnalysis().fit(
        xp(X), xp(y)).predict(xp(X)),
    "Ridge": lambda xp: Ridge(alpha=1.0).fit(xp(X), xp(target)).predict(xp(X)),
    "StandardScaler": lambda xp: StandardScaler().fit_transform(xp(X)),
    "MinMaxScaler": lambda xp: MinMaxScaler().fit_transform(xp(X)),
    "LabelEncoder": lambda xp: LabelEncoder().fit_transform(xp(y)),
    "GaussianNB": lambda xp: GaussianNB().fit(xp(X), xp(y)).predict_proba(xp(X)),
    "accuracy_score": lambda xp: accuracy_score(xp(y), xp(1 - y)),
    "mean_squared_error": lambda xp: mean_squared_error(xp(target), xp(target * 0.5)),
    "r2_score": lambda xp: r2_score(xp(target), xp(target * 0.5)),
    "rbf_kernel": lambda xp: rbf_kernel(xp(X)),
    "euclidean_distances": lambda xp: euclidean_distances(xp(X)),
    "cosine_similarity": lambda xp: cosine_similarity(xp(X)),
    "special.logsumexp": lambda xp: special.logsumexp(xp(X), axis=1),
    "special.softmax": lambda xp: special.softmax(xp(X), axis=0),
    "stats.moment": lambda xp: stats.moment(xp(X), order=3, axis=0),
    "stats.skew": lambda xp: stats.skew(xp(X), axis=0),
    "stats.zscore": lambda xp: stats.zscore(xp(X), axis=0),
    "cluster.vq.whiten": lambda xp: whiten(xp(X)),
}


def host(a):
    return np.asarray(a.detach().to("cpu")) if isinstance(a, tt.Tensor) else np.asarray(a)


device = sys.argv[1]
on_device = lambda a: tt.asarray(a, device=device)
with sklearn.config_context(array_api_dispatch=True):
    for name, case in CASES.items():
        try:
            expected, got = case(np.asarray), case(on_device)
            same = bool(np.allclose(host(got), host(expected), rtol=1e-6, atol=1e-9))
            where = str(got.device) if isinstance(got, tt.Tensor) else None
            print(json.dumps({"case": name, "same": same, "device": where}))
        except Exception as exc:
            print(json.dumps({"case": name, "error": f"{type(exc).__name__}: {exc}"}))

# the gradient of SciPy's logsumexp is softmax: SciPy copies with asarray(copy=True)
x = tt.asarray(X, dtype="float64", device=device).requires_grad_()
special.logsumexp(x, axis=1).sum().backward()
softmax = np.exp(X - special.logsumexp(X, axis=1, keepdims=True))
print(json.dumps({"case": "logsumexp gradient", "device": str(x.grad.device),
                  "same": bool(np.allclose(host(x.grad), softmax))}))
"""


@pytest.fixture(scope="module")
def results():
    """{device: {case: result}} from one subprocess per device."""
    env = dict(os.environ, SCIPY_ARRAY_API="1",
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    found = {}
    for device in DEVICES:
        run = subprocess.run([sys.executable, "-c", SCRIPT, device], capture_output=True,
                             text=True, env=env, timeout=300, cwd=ROOT)
        assert run.returncode == 0, run.stderr[-3000:]
        lines = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
        found[device] = {line["case"]: line for line in lines}
    return found


@pytest.mark.parametrize("device", DEVICES)
def test_scikit_learn_and_scipy_give_numpys_results_on_tinytorch(results, device):
    cases = results[device]
    assert len(cases) == 20, sorted(cases)
    broken = {name: r.get("error", "differs from NumPy") for name, r in cases.items()
              if "error" in r or not r["same"]}
    assert not broken, broken
    elsewhere = {name: r["device"] for name, r in cases.items()
                 if r["device"] is not None and r["device"] != device}
    assert not elsewhere, f"results left the input's device {device}: {elsewhere}"
