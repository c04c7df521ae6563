#!/usr/bin/env python3
"""reference_lr.py - the reference a fitted scorecard is measured against.

    reference_lr.py DATA.csv TARGET TRAIN_OUT.csv TEST_OUT.csv

Splits DATA.csv (header, then rows) into a training part (rows whose index
modulo 10 is below 7) and a test part (the rest), writes both, fits an
unpenalised logistic regression of TARGET (1 = bad) on every other column by
Newton's method (IRLS) - numeric columns as they are, text columns one-hot with
the first level seen as the base - and prints its AUC on the test part (ties
count half). Plain python3: no third-party modules.
"""
import csv
import math
import sys


def is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def solve(a, b):
    """Gaussian elimination with partial pivoting; a is n x n, b length n."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        if abs(m[pivot][col]) < 1e-300:
            raise ValueError("singular system: collinear columns")
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(col + 1, n):
            f = m[r][col] / m[col][col]
            if f != 0.0:
                for c in range(col, n + 1):
                    m[r][c] -= f * m[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x


def auc(scores, bad):
    """P(score of a bad > score of a good) + half the ties (higher = riskier)."""
    pairs = sorted(zip(scores, bad))
    ranks = [0.0] * len(pairs)
    i = 0
    while i < len(pairs):
        j = i
        while j + 1 < len(pairs) and pairs[j + 1][0] == pairs[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[k] = (i + j) / 2.0 + 1
        i = j + 1
    nb = sum(b for _, b in pairs)
    ng = len(pairs) - nb
    rank_sum = sum(r for r, (_, b) in zip(ranks, pairs) if b)
    return (rank_sum - nb * (nb + 1) / 2.0) / (nb * ng)


def main():
    data, target, train_out, test_out = sys.argv[1:5]
    with open(data, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    train = [r for i, r in enumerate(body) if i % 10 < 7]
    test = [r for i, r in enumerate(body) if i % 10 >= 7]
    for path, part in ((train_out, train), (test_out, test)):
        with open(path, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(part)
    t = header.index(target)
    design = []  # (column, None) numeric or (column, level) indicator
    for c, name in enumerate(header):
        if c == t:
            continue
        values = [r[c] for r in train]
        if all(is_number(v) for v in values):
            design.append((c, None))
        else:
            levels = []
            for v in values:
                if v not in levels:
                    levels.append(v)
            design.extend((c, level) for level in levels[1:])

    def row_x(r):
        x = [1.0]
        for c, level in design:
            x.append(float(r[c]) if level is None else (1.0 if r[c] == level else 0.0))
        return x

    xs = [row_x(r) for r in train]
    ys = [1.0 if r[t] == "1" else 0.0 for r in train]
    p = len(xs[0])
    beta = [0.0] * p
    for _ in range(100):
        grad = [0.0] * p
        hess = [[0.0] * p for _ in range(p)]
        for x, y in zip(xs, ys):
            eta = sum(b * v for b, v in zip(beta, x))
            mu = 1.0 / (1.0 + math.exp(-eta))
            w = mu * (1.0 - mu)
            for i in range(p):
                if x[i] == 0.0:
                    continue
                grad[i] += (y - mu) * x[i]
                wx = w * x[i]
                row = hess[i]
                for j in range(p):
                    if x[j] != 0.0:
                        row[j] += wx * x[j]
        step = solve(hess, grad)
        beta = [b + s for b, s in zip(beta, step)]
        if max(abs(s) for s in step) < 1e-10:
            break
    scores = [sum(b * v for b, v in zip(beta, row_x(r))) for r in test]
    print("%.6f" % auc(scores, [r[t] == "1" for r in test]))


if __name__ == "__main__":
    main()
