package dev.inlierq.detect.decode;

/** How four box values are encoded in a decoded-box output. */
public enum BoxFormat {
    /** Corners: x1, y1, x2, y2. */
    XYXY,
    /** Centre and size: cx, cy, w, h. */
    CXCYWH
}
