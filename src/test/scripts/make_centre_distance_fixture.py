#!/usr/bin/env python3
"""Builds the fixture of CenterDistanceEvaluatorTest.matchesTheNuScenesDevkitBitForBit and its expected numbers.

Development tool, not run by the build: it needs numpy. An independent Python implementation of the nuScenes
detection metric as its devkit defines it (greedy matching by score within a centre distance, then the AP of
`calc_ap` with min_recall = min_precision = 0.1; per class over the thresholds, then over the classes), with the
BEV centre distance in pixels times the cell size; and of its true-positive errors at the 2 m matching (the
devkit's `accumulate`, `cummean` and `calc_tp`): ATE the centre distance in metres, ASE 1 - IoU of the boxes put on
a common centre, AOE the yaw difference in radians (period 2 pi) where the detection has a yaw, left out for the
pedestrians by default (the LiDAR benchmark's undefined heading). ASE compares the devkit's 3D boxes (its
`scale_iou` of [width, length, height]) when every ground-truth box and every detection has a rotated_bbox and a
height, the rotated footprints ([width, length]) when they all have a rotated_bbox, else the axis-aligned bboxes.
It writes, next to the test resources:
  centre-distance-gt.json        COCO instances file, 10 images of 64 x 64 pixels at 0.25 m (info.settings),
                                 cars and pedestrians with a rotated_bbox whose centre is up to a pixel off
                                 the bbox's, whose sides are not the bbox's, and a yaw (a third of them near
                                 +-pi), a z and a height; one crowd box, a declared truck category without
                                 ground truth
  centre-distance-dt.json        COCO results: detections 0.06-6 m off the true centres, false positives
                                 (trucks among them), distinct scores (so the devkit's tie order is moot); most
                                 with a yaw near the true one (some across +-pi), some without
  centre-distance-dt3d.json      the same detections with 3D boxes, as `inlierq eval --detections` writes them:
                                 rotated_bbox [bbox centre, length, width, yaw or null], z and height; sizes
                                 near the true ones for the detections of a box, random for the others
  centre-distance-expected.json  AP per class and threshold, per class, mAP and mAP per threshold; the TP errors
                                 per class and their means, by default and with every class's heading (ASE of
                                 the hulls); with the 3D detections (ASE of the 3D boxes), and with them without
                                 their heights (ASE of the rotated footprints)

Usage: python3 make_centre_distance_fixture.py OUTPUT_DIR
"""
import json
import os
import sys

import numpy as np

CELL = 0.25
THRESHOLDS = [0.5, 1.0, 2.0, 4.0]
CATS = [(1, "car"), (2, "pedestrian"), (3, "truck")]  # no truck in the ground truth
DIST_TH_TP = 2.0
WITHOUT_HEADING = {"pedestrian"}  # the default for a file with info.settings.cell_size


def wrap(angle):
    """The angle in [-pi, pi)."""
    return (angle + np.pi) % (2 * np.pi) - np.pi


def fixture():
    rng = np.random.default_rng(2020)
    headings = np.random.default_rng(2021)  # a second stream, so that the boxes and scores stay as they were
    sizes = np.random.default_rng(2022)  # a third one for the 3D sizes, so that the rest stays as it was
    images, anns, dets, sources = [], [], [], []
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
                yaw = float(headings.uniform(-np.pi, np.pi))
                if headings.uniform() < 1 / 3:
                    yaw = float(np.sign(yaw) * (np.pi - headings.uniform(0, 0.1)))
                yaw = round(yaw, 4)
                # the footprint's sides are not the hull's, so that the test sees which ASE compares
                length = round(max(w, h) * float(sizes.uniform(0.5, 1.0)), 2)
                width = round(min(w, h) * float(sizes.uniform(0.3, 1.0)), 2)
                height = round(float(sizes.uniform(1.4, 3.5)), 3)
                anns.append({"id": len(anns) + 1, "image_id": im, "category_id": cat, "bbox": [x, y, w, h],
                             "area": round(w * h, 2), "iscrowd": crowd,
                             "rotated_bbox": [cx, cy, length, width, yaw], "z": round(height / 2, 3),
                             "height": height, "num_points": 20})
                if rng.uniform() < 0.8:
                    err = float(rng.choice([0.2, 0.8, 1.6, 3.0, 6.0])) * float(rng.uniform(0.3, 1.0)) / CELL
                    ang = float(rng.uniform(0, 2 * np.pi))
                    dw, dh = float(rng.uniform(2, 18)), float(rng.uniform(2, 18))
                    dets.append({"image_id": im, "category_id": cat,
                                 "bbox": [cx + err * np.cos(ang) - dw / 2, cy + err * np.sin(ang) - dh / 2, dw, dh],
                                 "score": float(rng.uniform(0.05, 1.0))})
                    sources.append(anns[-1])
                    if headings.uniform() < 0.8:
                        dets[-1]["yaw"] = float(wrap(yaw + headings.normal(0, 0.4)))
        for _ in range(int(rng.integers(0, 4))):
            cat = int(rng.integers(1, 4))
            dw, dh = float(rng.uniform(2, 18)), float(rng.uniform(2, 18))
            dets.append({"image_id": im, "category_id": cat,
                         "bbox": [float(rng.uniform(0, 60)), float(rng.uniform(0, 60)), dw, dh],
                         "score": float(rng.uniform(0.05, 1.0))})
            sources.append(None)
            if headings.uniform() < 0.5:
                dets[-1]["yaw"] = float(headings.uniform(-np.pi, np.pi))
    assert len({d["score"] for d in dets}) == len(dets)
    gt = {"info": {"description": "centre-distance test fixture", "settings": {"cells": 64, "cell_size": CELL}},
          "images": images, "annotations": anns, "categories": [{"id": c, "name": n} for c, n in CATS]}
    return gt, dets, with_3d(dets, sources, sizes)


def with_3d(dets, sources, sizes):
    """The detections with 3D boxes: for the detection of a box its length, width and height times e^N(0, 0.2), for
    a false positive random ones; the rotated_bbox centre is the bbox centre and its yaw the detection's (null
    without one), as the Java writer gives them."""
    out = []
    for d, g in zip(dets, sources):
        if g is not None:
            length, width = (g["rotated_bbox"][k] * float(np.exp(sizes.normal(0, 0.2))) for k in (2, 3))
            height = g["height"] * float(np.exp(sizes.normal(0, 0.2)))
        else:
            length, width = float(sizes.uniform(2, 18)), float(sizes.uniform(1, 8))
            height = float(sizes.uniform(1.2, 3.6))
        e = dict(d)
        x, y, w, h = d["bbox"]
        e["rotated_bbox"] = [x + w / 2, y + h / 2, length, width, d.get("yaw")]
        e["z"] = height / 2
        e["height"] = height
        out.append(e)
    return out


def match(gt, dets, cat, dist_th):
    """The devkit's greedy matching: npos (None without ground truth) and, by descending score, (detection, the
    ground-truth annotation it took or None, the distance in metres)."""
    gts = {}
    for a in gt["annotations"]:
        if not a["iscrowd"]:
            gts.setdefault(a["image_id"], []).append(a)
    npos = sum(1 for boxes in gts.values() for a in boxes if a["category_id"] == cat)
    if npos == 0:
        return None, []
    pred = [d for d in dets if d["category_id"] == cat]
    sortind = [i for (v, i) in sorted((d["score"], i) for (i, d) in enumerate(pred))][::-1]
    rows, taken = [], set()
    for ind in sortind:
        p = pred[ind]
        px, py = p["bbox"][0] + p["bbox"][2] / 2, p["bbox"][1] + p["bbox"][3] / 2
        min_dist, match_idx = np.inf, None
        candidates = gts.get(p["image_id"], [])
        for gi, g in enumerate(candidates):
            if g["category_id"] == cat and (p["image_id"], gi) not in taken:
                dx, dy = g["rotated_bbox"][0] - px, g["rotated_bbox"][1] - py
                d = np.sqrt(dx * dx + dy * dy) * CELL
                if d < min_dist:
                    min_dist, match_idx = d, gi
        if min_dist < dist_th:
            taken.add((p["image_id"], match_idx))
            rows.append((p, candidates[match_idx], min_dist))
        else:
            rows.append((p, None, min_dist))
    return npos, rows


def accumulate(gt, dets, cat, dist_th):
    """nuscenes-devkit accumulate(): the interpolated precision at 101 recalls, or None (no_predictions)."""
    npos, rows = match(gt, dets, cat, dist_th)
    if npos is None:
        return None
    tp = [0 if g is None else 1 for (_, g, _) in rows]
    fp = [1 - t for t in tp]
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


def cummean(values):
    """The devkit's cummean: the running mean of the values that are not NaN, 0 before the first of them; all 1 when
    every value is NaN."""
    x = np.array(values, dtype=float)
    known = ~np.isnan(x)
    if not known.any():
        return np.ones(len(x))
    sums = np.cumsum(np.where(known, x, 0.0))
    counts = np.cumsum(known)
    out = np.zeros(len(x))
    np.divide(sums, counts, out=out, where=counts > 0)
    return out


def scale_iou(gt_size, det_size):
    """The devkit's scale_iou: the IoU of two boxes of sizes [w, l, h] (or [w, l]) put on a common centre and
    heading."""
    sa, sr = np.array(gt_size, dtype=float), np.array(det_size, dtype=float)
    intersection = np.prod(np.minimum(sa, sr))
    union = np.prod(sa) + np.prod(sr) - intersection
    return float(intersection / union)


def ase_form(gt, dets):
    """3d when every ground-truth box (not crowd) and every detection has a rotated_bbox and a height, footprint when
    they all have a rotated_bbox, else hull."""
    boxes = [a for a in gt["annotations"] if not a["iscrowd"]] + list(dets)
    if not dets or not all(b.get("rotated_bbox") is not None for b in boxes):
        return "hull"
    return "3d" if all(b.get("height") is not None for b in boxes) else "footprint"


def ase(g, p, form):
    """1 - IoU of ground truth g and detection p on a common centre, in the form given."""
    if form == "hull":
        return 1 - aligned_iou(g["bbox"][2:], p["bbox"][2:])
    gr, pr = g["rotated_bbox"], p["rotated_bbox"]
    if form == "footprint":
        return 1 - scale_iou([gr[3], gr[2]], [pr[3], pr[2]])
    return 1 - scale_iou([gr[3], gr[2], g["height"]], [pr[3], pr[2], p["height"]])


def aligned_iou(gt_size, det_size):
    """IoU of two axis-aligned boxes [w, h] put on a common centre (0 when both areas are 0)."""
    (wg, hg), (wd, hd) = gt_size, det_size
    inter = min(wg, wd) * min(hg, hd)
    union = wg * hg + wd * hd - inter
    return inter / union if union > 0 else 0.0


def yaw_diff(gt_yaw, det_yaw):
    """The smallest absolute angle between two headings, period 2 pi, as the devkit's yaw_diff."""
    return abs((gt_yaw - det_yaw + np.pi) % (2 * np.pi) - np.pi)


def tp_errors(gt, dets, cat, with_aoe, form):
    """The devkit's TP errors of one class at the 2 m matching: accumulate()'s match data, cummean and its
    interpolation through the confidences, then calc_tp() with min_recall 0.1."""
    npos, rows = match(gt, dets, cat, DIST_TH_TP)
    matched = [(p, g, dist) for (p, g, dist) in rows if g is not None]
    if not matched:
        return {"ATE": 1.0, "ASE": 1.0, "AOE": 1.0 if with_aoe else None}
    tp = np.cumsum([0 if g is None else 1 for (_, g, _) in rows]).astype(float)
    rec = tp / float(npos)
    conf = np.interp(np.linspace(0, 1, 101), rec, np.array([p["score"] for (p, _, _) in rows]), right=0)
    tp_conf = np.array([p["score"] for (p, _, _) in matched])
    per_tp = {"ATE": [dist for (_, _, dist) in matched],
              "ASE": [ase(g, p, form) for (p, g, _) in matched],
              "AOE": [yaw_diff(g["rotated_bbox"][4], p["yaw"]) if "yaw" in p else np.nan for (p, g, _) in matched]}
    nonzero = np.nonzero(conf)[0]
    last = int(nonzero[-1]) if len(nonzero) else 0
    first = round(100 * 0.1) + 1
    out = {}
    for key, values in per_tp.items():
        if key == "AOE" and not with_aoe:
            out[key] = None
            continue
        curve = np.interp(conf[::-1], tp_conf[::-1], cummean(values)[::-1])[::-1]
        out[key] = 1.0 if last < first else float(np.mean(curve[first:last + 1].copy()))
    return out


def class_tp_errors(gt, dets, without_heading):
    """TP errors per class with ground truth, and their means (mAOE over the classes that have one, None if none)."""
    yaws = any("yaw" in d for d in dets)
    form = ase_form(gt, dets)
    per_class = {}
    for cat, name in CATS:
        if any(a["category_id"] == cat and not a["iscrowd"] for a in gt["annotations"]):
            per_class[name] = tp_errors(gt, dets, cat, yaws and name not in without_heading, form)
    aoes = [e["AOE"] for e in per_class.values() if e["AOE"] is not None]
    means = {"mATE": float(np.mean([e["ATE"] for e in per_class.values()])),
             "mASE": float(np.mean([e["ASE"] for e in per_class.values()])),
             "mAOE": float(np.nanmean(aoes)) if aoes else None, "ASE_form": form}
    return per_class, means


def main():
    out = sys.argv[1]
    gt, dets, dets3d = fixture()
    with open(os.path.join(out, "centre-distance-gt.json"), "w") as f:
        json.dump(gt, f)
    with open(os.path.join(out, "centre-distance-dt.json"), "w") as f:
        json.dump(dets, f)
    with open(os.path.join(out, "centre-distance-dt3d.json"), "w") as f:
        json.dump(dets3d, f)
    aps = {}
    for cat, name in CATS:
        curves = [accumulate(gt, dets, cat, d) for d in THRESHOLDS]
        if curves[0] is not None:
            aps[name] = {d: calc_ap(c) for d, c in zip(THRESHOLDS, curves)}
    mean_dist_aps = {n: float(np.mean(list(d.values()))) for n, d in aps.items()}
    expected = {"ap_by_threshold": {n: list(d.values()) for n, d in aps.items()}, "ap": mean_dist_aps,
                "mAP": float(np.mean(list(mean_dist_aps.values()))),
                "mAP_by_threshold": [float(np.mean([aps[n][d] for n in aps])) for d in THRESHOLDS]}
    errors, means = class_tp_errors(gt, dets, WITHOUT_HEADING)
    assert means.pop("ASE_form") == "hull"
    expected["tp_errors"] = errors
    expected.update(means)
    errors, means = class_tp_errors(gt, dets, set())
    expected["tp_errors_all_headings"] = errors
    expected["mAOE_all_headings"] = means["mAOE"]
    for key, form, dts in (("3d", "3d", dets3d),
                           ("footprint", "footprint", [{k: v for k, v in d.items() if k not in ("z", "height")}
                                                       for d in dets3d])):
        errors, means = class_tp_errors(gt, dts, WITHOUT_HEADING)
        assert means["ASE_form"] == form
        expected["tp_errors_" + key] = errors
        expected["mASE_" + key] = means["mASE"]
    with open(os.path.join(out, "centre-distance-expected.json"), "w") as f:
        json.dump(expected, f, indent=1)


if __name__ == "__main__":
    main()
