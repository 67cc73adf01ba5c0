package dev.inlierq.detect;

/** Which boxes may suppress each other in non-maximum suppression. */
public enum NmsMode {
    /** Only boxes of the same class (torchvision {@code batched_nms}; the COCO evaluation setting). */
    CLASS_AWARE,
    /** Any two boxes, whatever their classes. */
    AGNOSTIC,
    /** No suppression (heads that extract peaks themselves, e.g. CenterNet). */
    NONE
}
