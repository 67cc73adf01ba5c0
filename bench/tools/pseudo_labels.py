"""Pseudo ground truth from a model's own detections, for label-free agreement scores.

python3 bench/tools/pseudo_labels.py ANNOTATIONS DETECTIONS MIN_SCORE OUT [FILES_JSON]

Copies ANNOTATIONS (for its images and categories) and replaces its boxes by the detections scoring at least
MIN_SCORE (a COCO results file, as `eval --detections` writes it). FILES_JSON, a quantize --json file, keeps
only the images named in its "calibration_files". Evaluating another model against OUT scores how well its
detections agree with the first model's, without labels.
"""
import json
import sys

base, dets, min_score, out = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
data = json.load(open(base))
if len(sys.argv) > 5:
    keep = set(json.load(open(sys.argv[5]))["calibration_files"])
    data["images"] = [i for i in data["images"] if i["file_name"] in keep]
ids = {i["id"] for i in data["images"]}
boxes = []
for d in json.load(open(dets)):
    if d["score"] >= min_score and d["image_id"] in ids:
        w, h = d["bbox"][2], d["bbox"][3]
        boxes.append({"id": len(boxes) + 1, "image_id": d["image_id"], "category_id": d["category_id"],
                      "bbox": d["bbox"], "area": w * h, "iscrowd": 0})
data["annotations"] = boxes
with open(out, "w") as f:
    json.dump(data, f)
print(f"{len(boxes)} pseudo boxes on {len(ids)} images")
