# Sourced by the bench scripts: the shared folder, the COCO subset and each built-in model's file in it.
S="${INLIERQ_SHARED:-../shared}"
D="$S/data/coco-subset"
declare -A FILE=([yolox]=yolox-nano/yolox_nano.onnx [picodet]=picodet-xs/picodet_xs_320_lcnet_nonms.onnx [fastestdet]=fastestdet/FastestDet.onnx)
# The CPU a row is measured on, as every bench script records it: model name, and whether it has AVX-512 VNNI.
cpu() { echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)$(grep -q avx512_vnni /proc/cpuinfo && echo ' (AVX-512 VNNI)' || true)"; }
