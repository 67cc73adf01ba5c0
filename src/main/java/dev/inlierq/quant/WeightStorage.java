package dev.inlierq.quant;

import java.util.Locale;

/**
 * The ONNX element type that holds the codes of weights quantized at 4 bits or fewer in the exported QDQ
 * model. Weights of 5 to 8 bits (the first and last layers by default) are always written in 8-bit
 * containers ({@link QuantSpec#container()}). The codes, scales and zero points are the same whichever
 * storage is chosen; only the bytes that hold the codes differ, so both files compute the same values.
 *
 * <p>{@link #INT4} writes INT4 ({@code TensorProto.DataType} 22, signed codes) or UINT4 (21, unsigned codes,
 * {@link WeightType#UINT8}) initializers, two codes per byte, first in the low nibble (ONNX 4-bit integer
 * types, {@code docs/docsgen/source/technical/int4.md}), read by a per-axis DequantizeLinear whose zero
 * point has the same 4-bit type, as DequantizeLinear requires of {@code x} and {@code x_zero_point}. The
 * 4-bit types exist from opset 21 and IR version 10 (ONNX 1.16), so the model is raised to opset 21.
 *
 * <p>The choice is size against speed. ONNX Runtime 1.29 (CPU) fuses DequantizeLinear -> Conv ->
 * QuantizeLinear with 8-bit weights into QLinearConv, but not with 4-bit ones: it dequantizes INT4 weights
 * to float at every run and runs a float Conv (optimised FastestDet W4A8: 67 QLinearConv with 8-bit
 * containers, 1 QLinearConv and 68 Conv with INT4). Measured at W4A8, one thread, beside another benchmark:
 * FastestDet 446 kB / 10.2 ms with INT8 containers, 330 kB / 20.2 ms with INT4; YOLOX-Nano 1196 kB /
 * 33.3 ms against 753 kB / 60.3 ms. Without graph optimisation (QDQ run as written) both files give
 * bit-identical outputs. Hence {@link #INT8} is the default.
 */
public enum WeightStorage {
    /** INT8/UINT8 containers holding the 4-bit codes ({@code [-8, 7]}, or {@code [0, 15]} unsigned). */
    INT8,
    /** INT4/UINT4 tensors (opset 21, IR version 10), packed two codes per byte. */
    INT4,
    /**
     * INT4 where ONNX Runtime runs a 4-bit DequantizeLinear, INT8 containers elsewhere. ONNX Runtime 1.29
     * (CPU) runs every weight layout the planner makes, INT4 and UINT4, at every optimisation level and to
     * the INT8-container values: per channel on axis 0 (Conv, depthwise Conv, Gemm with {@code transB}), on
     * axis 1 (ConvTranspose, Gemm), on the last axis (MatMul), and per tensor; so this is INT4 for every
     * weight of 4 bits or fewer ({@code QdqWriterTest} checks it on each layout).
     */
    AUTO;

    /** The option's spelling on the command line. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether a weight of this spec is written as an INT4/UINT4 tensor: the one place that decides. Only
     * weights of at most 4 bits can be.
     */
    public boolean packs(QuantSpec spec) {
        if (spec.role() != QuantSpec.Role.WEIGHT || spec.bits() > 4) {
            return false;
        }
        return switch (this) {
            case INT8 -> false;
            // AUTO: ONNX Runtime runs 4-bit DequantizeLinear for every layout (see AUTO), none needs INT8
            case INT4, AUTO -> true;
        };
    }
}
