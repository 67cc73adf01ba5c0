# Sourced by the bench scripts: the shared folder, the COCO subset and each built-in model's file in it.
S="${INLIERQ_SHARED:-../shared}"
D="$S/data/coco-subset"
declare -A FILE=([yolox]=yolox-nano/yolox_nano.onnx [picodet]=picodet-xs/picodet_xs_320_lcnet_nonms.onnx [fastestdet]=fastestdet/FastestDet.onnx)
