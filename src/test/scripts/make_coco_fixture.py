#!/usr/bin/env python3
"""Builds the synthetic fixture of CocoEvaluatorReferenceTest and its expected numbers.

Development tool, not run by the build: it needs numpy and pycocotools (the reference
implementation whose COCOeval numbers CocoEvaluator must reproduce). It writes, next to the test
resources:
  synthetic-gt.json        COCO instances file: crowd boxes, all area ranges, an `area` field that
                           differs from w*h, images without boxes, a category without boxes
  synthetic-dt.json        COCO results: jittered true positives, duplicates, false positives on
                           empty images, tied scores, >100 detections on one image, detections of a
                           category unknown to the ground truth
  synthetic-expected.json  COCOeval stats (all images, and the first 25 image ids), per-category AP
                           (mean of precision > -1 over IoU and recall thresholds, area all, 100 dets)
                           and the text printed by summarize()

Usage: python3 make_coco_fixture.py OUTPUT_DIR
"""
import contextlib
import io
import json
import os
import sys

import numpy as np
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval


def build(rng):
    cats = [{"id": c, "name": f"c{c}"} for c in (1, 2, 3, 5, 8, 13)]  # 13 gets no boxes
    images, anns, dets = [], [], []
    ann_id = 1
    for i in range(60):
        img_id = 1000 - 7 * i  # ids not in file order
        w, h = int(rng.integers(200, 800)), int(rng.integers(200, 800))
        images.append({"id": img_id, "file_name": f"{img_id:012d}.jpg", "width": w, "height": h})
        if i % 9 == 4:
            n_gt = 0  # empty image (some get false positives below)
        else:
            n_gt = int(rng.integers(1, 12))
        for _ in range(n_gt):
            cat = int(rng.choice([1, 2, 3, 5, 8], p=[.4, .2, .2, .1, .1]))
            scale = rng.choice([12, 40, 150])  # small, medium, large
            bw = float(np.round(scale * rng.uniform(.5, 1.6), 2))
            bh = float(np.round(scale * rng.uniform(.5, 1.6), 2))
            x = float(np.round(rng.uniform(0, max(1, w - bw)), 2))
            y = float(np.round(rng.uniform(0, max(1, h - bh)), 2))
            crowd = int(rng.random() < .06)
            area = float(np.round(bw * bh * rng.uniform(.55, 1.0), 2))  # segmentation area < box area
            anns.append({"id": ann_id, "image_id": img_id, "category_id": cat, "bbox": [x, y, bw, bh],
                         "area": area, "iscrowd": crowd, "segmentation": [[x, y, x + bw, y, x + bw, y + bh]]})
            ann_id += 1
            if crowd:
                for _ in range(int(rng.integers(0, 4))):  # detections inside the crowd region
                    dw, dh = bw * rng.uniform(.1, .5), bh * rng.uniform(.1, .5)
                    dets.append(det(img_id, cat, x + rng.uniform(0, bw - dw), y + rng.uniform(0, bh - dh),
                                    dw, dh, rng))
                continue
            r = rng.random()
            if r < .8:  # a jittered detection
                j = rng.normal(0, .12, 4)
                dets.append(det(img_id, cat, x + j[0] * bw, y + j[1] * bh, bw * (1 + j[2]), bh * (1 + j[3]), rng))
                if rng.random() < .15:  # a duplicate
                    dets.append(det(img_id, cat, x + j[1] * bw, y, bw, bh * (1 + j[0]), rng))
            if rng.random() < .1:  # wrong category
                dets.append(det(img_id, int(rng.choice([1, 2, 3, 5, 8])), x, y, bw, bh, rng))
        for _ in range(int(rng.integers(0, 4))):  # random false positives, also on empty images
            s = rng.choice([10, 50, 200])
            dets.append(det(img_id, int(rng.choice([1, 2, 3, 5, 8, 13])), rng.uniform(0, w - s),
                            rng.uniform(0, h - s), s * rng.uniform(.5, 1.5), s * rng.uniform(.5, 1.5), rng))
        if i == 10:  # more than 100 detections on one image and category
            for _ in range(130):
                dets.append(det(img_id, 1, rng.uniform(0, w - 30), rng.uniform(0, h - 30), 30, 30, rng))
        if i == 11:
            dets.append(det(img_id, 77, 10, 10, 50, 50, rng))  # category unknown to the ground truth
    # tied scores across images and within an image
    for k in range(0, len(dets), 5):
        dets[k]["score"] = 0.5
    gt = {"info": {"description": "synthetic"}, "images": images, "annotations": anns, "categories": cats}
    return gt, dets


def det(img_id, cat, x, y, w, h, rng):
    return {"image_id": img_id, "category_id": cat,
            "bbox": [float(np.round(v, 2)) for v in (x, y, w, h)],
            "score": float(np.round(rng.uniform(.05, 1.0), 3))}


def evaluate(gt_path, dt_path, img_ids=None):
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(gt_path)
        dt = gt.loadRes(dt_path)
        ev = COCOeval(gt, dt, "bbox")
        if img_ids is not None:
            ev.params.imgIds = img_ids
        ev.evaluate()
        ev.accumulate()
    summary = io.StringIO()
    with contextlib.redirect_stdout(summary):
        ev.summarize()
    p = ev.eval["precision"][:, :, :, 0, -1]
    per_cat = {}
    for k, cat in enumerate(ev.params.catIds):
        v = p[:, :, k]
        per_cat[str(cat)] = float(np.mean(v[v > -1])) if (v > -1).any() else -1.0
    return {"stats": [float(s) for s in ev.stats], "perCategoryAp": per_cat, "summary": summary.getvalue()}


def main():
    out = sys.argv[1]
    gt, dets = build(np.random.default_rng(20240611))
    gt_path, dt_path = os.path.join(out, "synthetic-gt.json"), os.path.join(out, "synthetic-dt.json")
    with open(gt_path, "w") as f:
        json.dump(gt, f)
    with open(dt_path, "w") as f:
        json.dump(dets, f)
    subset = sorted(im["id"] for im in gt["images"])[:25]
    expected = {"all": evaluate(gt_path, dt_path), "subset": evaluate(gt_path, dt_path, subset),
                "subsetImageIds": subset}
    with open(os.path.join(out, "synthetic-expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
    print(json.dumps(expected["all"]["stats"]))


if __name__ == "__main__":
    main()
