#!/usr/bin/env python3
"""Writes metrics_scipy.json: reference FID/KID numbers computed with numpy + scipy, independently of TransferGen.

Run from this folder with the Debian packages python3-numpy and python3-scipy:  python3 make_metrics_fixture.py
FID uses scipy.linalg.sqrtm of sigma1 @ sigma2 (the classic pytorch-fid recipe, real part taken);
KID is the unbiased MMD^2 with the cubic polynomial kernel over the whole sets (one subset of size n).
"""
import json

import numpy as np
from scipy import linalg


def frechet(mu1, s1, mu2, s2):
    covmean = linalg.sqrtm(s1 @ s2)
    covmean = np.real(covmean)
    d = mu1 - mu2
    return float(d @ d + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))


def mmd2_unbiased(x, y):
    d = x.shape[1]
    m = x.shape[0]
    kxx = (x @ x.T / d + 1) ** 3
    kyy = (y @ y.T / d + 1) ** 3
    kxy = (x @ y.T / d + 1) ** 3
    within = (kxx.sum() - np.trace(kxx) + kyy.sum() - np.trace(kyy)) / (m * (m - 1))
    return float(within - 2 * kxy.mean())


rng = np.random.default_rng(20240611)
cases = []

# Full-rank Gaussians (3 and 5 dimensions) with correlated covariances.
for dim in (3, 5):
    a = rng.normal(size=(dim, dim))
    b = rng.normal(size=(dim, dim))
    s1 = a @ a.T + 0.1 * np.eye(dim)
    s2 = b @ b.T + 0.1 * np.eye(dim)
    mu1 = rng.normal(size=dim)
    mu2 = rng.normal(size=dim)
    cases.append({"name": f"random-{dim}d", "mu1": mu1.tolist(), "sigma1": s1.tolist(),
                  "mu2": mu2.tolist(), "sigma2": s2.tolist(), "fd": frechet(mu1, s1, mu2, s2)})

# Feature sets: statistics via np.cov (N-1), FID and unbiased KID over the whole sets.
x = rng.normal(size=(24, 4))
y = rng.normal(loc=0.3, scale=1.2, size=(24, 4)) + 0.5 * rng.normal(size=(24, 1))
features = {"x": x.tolist(), "y": y.tolist(),
            "fid": frechet(x.mean(0), np.cov(x, rowvar=False), y.mean(0), np.cov(y, rowvar=False)),
            "kid_full_set": mmd2_unbiased(x, y)}

with open("metrics_scipy.json", "w") as f:
    json.dump({"generator": "make_metrics_fixture.py (numpy %s, scipy %s)" % (np.__version__, __import__("scipy").__version__),
               "gaussians": cases, "features": features}, f, indent=1)
