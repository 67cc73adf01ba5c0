package dev.inlierq.detect;

/** Memory layout of the network's image input. Only planar NCHW is supported. */
public enum InputLayout {
    /** [N, 3, H, W]: one plane per channel. */
    NCHW
}
