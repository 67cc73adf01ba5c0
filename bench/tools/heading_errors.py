#!/usr/bin/env python3
"""Heading errors of BEV detections, per class: how often the yaw is right, and how often it points backwards.

Each detection with a score of at least --min-score is matched to the nearest ground-truth box of its class on its
image whose rotated_bbox centre lies within --max-pixels of the detection's box centre (no one-to-one matching:
this looks at the heading of confident detections, it is not a metric; `inlierq eval --bev-distance` gives the
nuScenes AOE). The error is the smallest angle between the two yaws (period 2 pi). Prints per class: matches, the
median error, the share within 30 degrees and the share beyond 150 degrees (front and back swapped).

Usage: python3 bench/tools/heading_errors.py ANNOTATIONS.json DETECTIONS.json [--min-score 0.3] [--max-pixels 4]
(DETECTIONS from `inlierq eval ... --detections F` of a model trained with `train --data lidar --yaw`).
"""
import argparse
import collections
import json
import math


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("annotations")
    ap.add_argument("detections")
    ap.add_argument("--min-score", type=float, default=0.3)
    ap.add_argument("--max-pixels", type=float, default=4.0)
    a = ap.parse_args()
    gt = json.load(open(a.annotations))
    names = {c["id"]: c["name"] for c in gt["categories"]}
    boxes = collections.defaultdict(list)
    for g in gt["annotations"]:
        if "rotated_bbox" in g:
            boxes[(g["image_id"], g["category_id"])].append(g["rotated_bbox"])
    errors = collections.defaultdict(list)
    for d in json.load(open(a.detections)):
        if d["score"] < a.min_score or d.get("yaw") is None:
            continue
        cx = d["bbox"][0] + d["bbox"][2] / 2
        cy = d["bbox"][1] + d["bbox"][3] / 2
        near = min(boxes[(d["image_id"], d["category_id"])], default=None,
                   key=lambda r: math.hypot(r[0] - cx, r[1] - cy))
        if near is None or math.hypot(near[0] - cx, near[1] - cy) >= a.max_pixels:
            continue
        errors[d["category_id"]].append(abs((d["yaw"] - near[4] + math.pi) % (2 * math.pi) - math.pi))
    print("class        matches  median (deg)  within 30 deg  beyond 150 deg")
    for c, e in sorted(errors.items()):
        e.sort()
        n = len(e)
        within = sum(x < math.pi / 6 for x in e) / n
        beyond = sum(x > 5 * math.pi / 6 for x in e) / n
        print(f"{names.get(c, c):<12} {n:>7}  {math.degrees(e[n // 2]):>12.1f}  {within:>13.2f}  {beyond:>14.2f}")


if __name__ == "__main__":
    main()
