package dev.inlierq.plan;

/** Where activation quantizers go. */
public enum Placement {
    /**
     * Only the inputs of weighted layers (what most PTQ papers simulate). ONNX Runtime then runs each
     * weighted layer with integer inputs but float outputs.
     */
    LAYER_INPUTS,
    /**
     * Every activation inside the quantized region (outputs of weighted layers and of the element-wise,
     * pooling, resize and concat ops between them), so that ONNX Runtime can keep whole chains in integer
     * kernels (QLinearConv, QLinearSigmoid, QLinearMul, QLinearConcat, ...). A value read only by a Relu
     * (or a Clip at zero) is left to the clamp's quantizer, which ONNX Runtime fuses with the producer.
     */
    ALL_ACTIVATIONS
}
