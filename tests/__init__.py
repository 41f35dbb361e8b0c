"""The test suite (a package, so test modules import shared helpers as `tests.x`).

One BLAS/OpenMP thread per test process, set here because this runs before conftest.py imports
NumPy, SciPy or scikit-learn (and the subprocesses CLI tests start inherit it): pytest-xdist already
runs a worker on every core, and with two OpenBLAS threads in each as well the threads spin-waited
for a core; the same embedding batch took 6-7 times the CPU (about 75 s instead of 12 s with two
workers on 2 cores). Set the variables yourself to override.
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
