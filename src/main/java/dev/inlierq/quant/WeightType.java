package dev.inlierq.quant;

import dev.inlierq.plan.Placement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How 8-bit (and narrower) weights are stored for the runtime.
 *
 * <p>ONNX Runtime's x86 integer GEMM multiplies uint8 activations by int8 weights with an instruction that
 * adds pairs of products into saturating 16-bit lanes (AVX2 {@code vpmaddubsw}) unless the CPU has VNNI.
 * With 8-bit weights and large activation codes the pair sums (up to 2 x 255 x 127 = 64770) saturate, and
 * the fused QLinearConv silently disagrees with the QDQ semantics (measured here: 3.5 dB output SQNR
 * between ONNX Runtime's fused run and the exact QDQ run of FastestDet W8A8). Two exact ways out:
 * <ul>
 *   <li>{@link #UINT8}: uint8 weights with a symmetric zero point (128) take the uint8 x uint8 path, which
 *       widens to 16 bits first and does not saturate, but runs about 1.5x slower than uint8 x int8
 *       (YOLOX-Nano W8A8, all activations quantized: QLinearConv 13.8 ms against 9.0 ms per image);</li>
 *   <li>{@link #INT7}: signed weights limited to 7 bits ([-63, 63]) in int8 storage, so a pair sum stays
 *       within 2 x 255 x 63 = 32130 < 2^15 and the fast kernel is exact (ONNX Runtime's own "reduce_range").
 *       Layers planned at 7 bits or fewer are unchanged: their codes never saturate.</li>
 * </ul>
 * {@link #AUTO} picks INT8 where the CPU has VNNI (or is not x86); without VNNI it picks INT7 when all
 * activations are quantized (every layer fuses into QLinearConv, so the kernel's speed is what the user
 * gets) and UINT8 when only layer inputs are (layers mostly run in float after dequantization, so full
 * 8-bit weight precision costs nothing).
 */
public enum WeightType {
    /** Signed symmetric codes, zero point 0 (int8 [-127, 127] at 8 bit). */
    INT8,
    /** Unsigned symmetric codes, zero point at the middle of the grid (128 at 8 bit). */
    UINT8,
    /** Signed symmetric codes of at most 7 bits ([-63, 63] for 8-bit layers) in int8 storage. */
    INT7,
    /** INT8 with VNNI (or off x86); without it INT7 for {@link Placement#ALL_ACTIVATIONS}, else UINT8. */
    AUTO;

    /** The concrete type for this host and placement. */
    public WeightType resolve(Placement placement) {
        if (this != AUTO) {
            return this;
        }
        if (hostHasVnni()) {
            return INT8;
        }
        return placement == Placement.ALL_ACTIVATIONS ? INT7 : UINT8;
    }

    /** Signedness of the weight codes of a resolved type. */
    public QuantSpec.Signedness signedness() {
        return switch (this) {
            case INT8, INT7 -> QuantSpec.Signedness.SIGNED;
            case UINT8 -> QuantSpec.Signedness.UNSIGNED;
            case AUTO -> throw new IllegalStateException("resolve AUTO first");
        };
    }

    /** The bits a weight planned at {@code planned} bits gets with this (resolved) type. */
    public int bits(int planned) {
        if (this == AUTO) {
            throw new IllegalStateException("resolve AUTO first");
        }
        return this == INT7 ? Math.min(planned, 7) : planned;
    }

    /**
     * The spec of a weight planned at {@code planned} bits with this (resolved) type, granularity left to the
     * caller: signed or unsigned per the type; an 8-bit layer capped to 7 bits by {@link #INT7} keeps the
     * narrow symmetric grid of 8-bit weights, [-63, 63].
     */
    public QuantSpec weightSpec(int planned) {
        return weightSpec(planned, WeightGrid.SYMMETRIC);
    }

    /**
     * As {@link #weightSpec(int)}, affine (a zero point per channel, full range) where {@code grid} says so for
     * the layer's bits ({@link WeightGrid#affine}).
     */
    public QuantSpec weightSpec(int planned, WeightGrid grid) {
        int b = bits(planned);
        QuantSpec s = QuantSpec.weight(b).withSignedness(signedness());
        if (grid.affine(b)) {
            return s.withSymmetry(QuantSpec.Symmetry.ASYMMETRIC);
        }
        return b < planned && planned == 8 ? s.withRange(QuantSpec.IntRange.NARROW) : s;
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
