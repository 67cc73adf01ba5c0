#!/usr/bin/env python3
"""Builds the fixture of CenterDistanceEvaluatorTest.matchesTheNuScenesDevkitBitForBit and its expected numbers.

Development tool, not run by the build: it needs numpy. An independent Python implementation of the nuScenes
detection metric as its devkit defines it (greedy matching by score within a centre distance, then the AP of
`calc_ap` with min_recall = min_precision = 0.1; per class over the thresholds, then over the classes), with the
BEV centre distance in pixels times the cell size. It writes, next to the test resources:
  centre-distance-gt.json        COCO instances file, 10 images of 64 x 64 pixels at 0.25 m (info.settings),
                                 cars and pedestrians with a rotated_bbox whose centre is up to a pixel off
                                 the bbox's, one crowd box, a declared truck category without ground truth
  centre-distance-dt.json        COCO results: detections 0.06-6 m off the true centres, false positives
                                 (trucks among them), distinct scores (so the devkit's tie order is moot)
  centre-distance-expected.json  AP per class and threshold, per class, mAP and mAP per threshold

Usage: python3 make_centre_distance_fixture.py OUTPUT_DIR
"""
import json
import os
import sys

import numpy as np

CELL = 0.25
THRESHOLDS = [0.5, 1.0, 2.0, 4.0]
CATS = [(1, "car"), (2, "pedestrian"), (3, "truck")]  # no truck in the ground truth


def fixture():
    rng = np.random.default_rng(2020)
    images, anns, dets = [], [], []
    for im in range(1, 11):
        images.append({"id": im, "file_name": "%06d.png" % im, "width": 64, "height": 64})
        for cat, count in ((1, int(rng.integers(0, 6))), (2, int(rng.integers(0, 5)))):
            for _ in range(count):
                cx, cy = float(rng.uniform(4, 60)), float(rng.uniform(4, 60))
                cx, cy = round(cx, 2), round(cy, 2)
                w, h = round(float(rng.uniform(2, 18)), 2), round(float(rng.uniform(2, 18)), 2)
                # the hull's centre is off the footprint's by up to a pixel, so that the test sees which is used
                x = round(cx - w / 2 + float(rng.uniform(-1, 1)), 2)
                y = round(cy - h / 2 + float(rng.uniform(-1, 1)), 2)
                crowd = 1 if len(anns) == 5 else 0
                anns.append({"id": len(anns) + 1, "image_id": im, "category_id": cat, "bbox": [x, y, w, h],
                             "area": round(w * h, 2), "iscrowd": crowd,
                             "rotated_bbox": [cx, cy, w, h, 0.0], "z": 0.8, "height": 1.6, "num_points": 20})
                if rng.uniform() < 0.8:
                    err = float(rng.choice([0.2, 0.8, 1.6, 3.0, 6.0])) * float(rng.uniform(0.3, 1.0)) / CELL
                    ang = float(rng.uniform(0, 2 * np.pi))
                    dw, dh = float(rng.uniform(2, 18)), float(rng.uniform(2, 18))
                    dets.append({"image_id": im, "category_id": cat,
                                 "bbox": [cx + err * np.cos(ang) - dw / 2, cy + err * np.sin(ang) - dh / 2, dw, dh],
                                 "score": float(rng.uniform(0.05, 1.0))})
        for _ in range(int(rng.integers(0, 4))):
            cat = int(rng.integers(1, 4))
            dw, dh = float(rng.uniform(2, 18)), float(rng.uniform(2, 18))
            dets.append({"image_id": im, "category_id": cat,
                         "bbox": [float(rng.uniform(0, 60)), float(rng.uniform(0, 60)), dw, dh],
                         "score": float(rng.uniform(0.05, 1.0))})
    assert len({d["score"] for d in dets}) == len(dets)
    gt = {"info": {"description": "centre-distance test fixture", "settings": {"cells": 64, "cell_size": CELL}},
          "images": images, "annotations": anns, "categories": [{"id": c, "name": n} for c, n in CATS]}
    return gt, dets


def accumulate(gt, dets, cat, dist_th):
    """nuscenes-devkit accumulate(): the interpolated precision at 101 recalls, or None (no_predictions)."""
    gts = {}
    for a in gt["annotations"]:
        if not a["iscrowd"]:
            gts.setdefault(a["image_id"], []).append(a)
    npos = sum(1 for boxes in gts.values() for a in boxes if a["category_id"] == cat)
    if npos == 0:
        return None
    pred = [d for d in dets if d["category_id"] == cat]
    sortind = [i for (v, i) in sorted((d["score"], i) for (i, d) in enumerate(pred))][::-1]
    tp, fp, taken = [], [], set()
    for ind in sortind:
        p = pred[ind]
        px, py = p["bbox"][0] + p["bbox"][2] / 2, p["bbox"][1] + p["bbox"][3] / 2
        min_dist, match = np.inf, None
        for gi, g in enumerate(gts.get(p["image_id"], [])):
            if g["category_id"] == cat and (p["image_id"], gi) not in taken:
                dx, dy = g["rotated_bbox"][0] - px, g["rotated_bbox"][1] - py
                d = np.sqrt(dx * dx + dy * dy) * CELL
                if d < min_dist:
                    min_dist, match = d, gi
        if min_dist < dist_th:
            taken.add((p["image_id"], match))
            tp.append(1)
            fp.append(0)
        else:
            tp.append(0)
            fp.append(1)
    if sum(tp) == 0:
        return np.zeros(101)
    tp = np.cumsum(tp).astype(float)
    fp = np.cumsum(fp).astype(float)
    prec = tp / (fp + tp)
    rec = tp / float(npos)
    return np.interp(np.linspace(0, 1, 101), rec, prec, right=0)


def calc_ap(precision, min_recall=0.1, min_precision=0.1):
    prec = np.copy(precision)
    prec = prec[round(100 * min_recall) + 1:]
    prec -= min_precision
    prec[prec < 0] = 0
    return float(np.mean(prec)) / (1.0 - min_precision)


def main():
    out = sys.argv[1]
    gt, dets = fixture()
    with open(os.path.join(out, "centre-distance-gt.json"), "w") as f:
        json.dump(gt, f)
    with open(os.path.join(out, "centre-distance-dt.json"), "w") as f:
        json.dump(dets, f)
    aps = {}
    for cat, name in CATS:
        curves = [accumulate(gt, dets, cat, d) for d in THRESHOLDS]
        if curves[0] is not None:
            aps[name] = {d: calc_ap(c) for d, c in zip(THRESHOLDS, curves)}
    mean_dist_aps = {n: float(np.mean(list(d.values()))) for n, d in aps.items()}
    expected = {"ap_by_threshold": {n: list(d.values()) for n, d in aps.items()}, "ap": mean_dist_aps,
                "mAP": float(np.mean(list(mean_dist_aps.values()))),
                "mAP_by_threshold": [float(np.mean([aps[n][d] for n in aps])) for d in THRESHOLDS]}
    with open(os.path.join(out, "centre-distance-expected.json"), "w") as f:
        json.dump(expected, f, indent=1)


if __name__ == "__main__":
    main()
