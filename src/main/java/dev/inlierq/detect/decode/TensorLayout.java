package dev.inlierq.detect.decode;

/**
 * Where a head output keeps its channels (the per-location values: box terms, objectness, classes)
 * and its locations. Axis 0 is always the batch. With {@code A} anchors per location, the channels
 * of anchor {@code a} are {@code K} consecutive channels, and locations are numbered anchor-major:
 * {@code l = a * S + s}, {@code s} the row-major index over the spatial axes ({@code S} of them).
 */
public enum TensorLayout {
    /**
     * [N, A*K, d2, d3, ...]: channel {@code k} of anchor {@code a} is axis-1 index {@code a*K + k};
     * the spatial axes d2.. are flattened row-major. Examples: PicoDet {@code scores} [N, C, L],
     * FastestDet [N, 5+C, H, W], YOLOv5 per-level [N, A*(5+C), H, W], CenterNet [N, C, H, W].
     */
    CHANNELS_FIRST,
    /**
     * [N, d1, ..., K]: the last axis holds the channels, the axes between are the locations
     * flattened row-major (with anchors: [N, A, H, W, K]). Examples: YOLOX [N, L, 5+C], NanoDet
     * [N, L, 4*(regMax+1)], YOLOv5 5-D per-level outputs.
     */
    CHANNELS_LAST
}
