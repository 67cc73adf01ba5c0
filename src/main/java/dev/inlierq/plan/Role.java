package dev.inlierq.plan;

/** What a quantized tensor is to its consumer. */
public enum Role {
    /** A layer's weight: signed, symmetric, per output channel. */
    WEIGHT,
    /** A layer's bias: int32 with scale s_in * s_w, as runtimes expect. */
    BIAS,
    /** A value computed at run time: unsigned, asymmetric, per tensor. */
    ACTIVATION
}
