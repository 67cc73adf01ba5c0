package dev.inlierq.quant;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How 8-bit (and narrower) weights are stored for the runtime.
 *
 * <p>ONNX Runtime's x86 integer GEMM multiplies uint8 activations by int8 weights with an instruction that
 * adds pairs of products into saturating 16-bit lanes (AVX2 {@code vpmaddubsw}) unless the CPU has VNNI;
 * with large activation codes the sums saturate and the fused QLinearConv silently disagrees with the QDQ
 * semantics (measured here: 3.5 dB output SQNR between ONNX Runtime's fused run and the exact QDQ run of
 * FastestDet W8A8). uint8 weights with a symmetric zero point (128) take the uint8 x uint8 path, which
 * widens to 16 bits first and does not saturate. {@link #AUTO} picks {@link #UINT8} on CPUs without VNNI.
 */
public enum WeightType {
    /** Signed symmetric codes, zero point 0 (int8 [-127, 127] at 8 bit). */
    INT8,
    /** Unsigned symmetric codes, zero point at the middle of the grid (128 at 8 bit). */
    UINT8,
    /** UINT8 on x86 CPUs without VNNI (where INT8 saturates in ONNX Runtime), else INT8. */
    AUTO;

    /** The concrete type for this host. */
    public WeightType resolve() {
        if (this != AUTO) {
            return this;
        }
        return hostHasVnni() ? INT8 : UINT8;
    }

    /** Signedness of the weight codes. */
    public QuantSpec.Signedness signedness() {
        return resolve() == INT8 ? QuantSpec.Signedness.SIGNED : QuantSpec.Signedness.UNSIGNED;
    }

    static boolean hostHasVnni() {
        String arch = System.getProperty("os.arch", "");
        if (!arch.contains("amd64") && !arch.contains("x86")) {
            return true; // ARM and others: no vpmaddubsw saturation
        }
        try {
            String info = Files.readString(Path.of("/proc/cpuinfo"));
            return info.contains(" avx512_vnni") || info.contains(" avx_vnni") || info.contains(" amx_int8");
        } catch (IOException e) {
            return false;
        }
    }
}
