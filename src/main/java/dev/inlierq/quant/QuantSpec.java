package dev.inlierq.quant;

import static dev.inlierq.quant.Checks.check;
import static dev.inlierq.quant.Checks.notNull;

/**
 * What a quantizer may produce: an integer grid of {@code bits} bits, signed or unsigned, an affine or a
 * symmetric mapping, full or narrow integer range, and which elements share a scale ({@link Granularity}).
 * Immutable and self-validating; the actual scale and zero point live in an {@link Encoding}.
 *
 * <p>Integer range {@code [qmin, qmax]}:
 * <ul>
 *   <li>signed, full: {@code [-2^(b-1), 2^(b-1) - 1]}; signed, narrow: {@code [-2^(b-1) + 1, 2^(b-1) - 1]}
 *       (e.g. int8 {@code [-127, 127]});
 *   <li>unsigned, full: {@code [0, 2^b - 1]}; unsigned, narrow: {@code [0, 2^b - 2]} (e.g. uint8 {@code [0, 254]}).
 * </ul>
 * Narrow range drops one code so that the grid is symmetric about an integer zero point; these are exactly
 * the ranges ONNX Runtime's quantizer uses for symmetric 8- and 16-bit types ({@code quant_utils.py},
 * {@code ONNX_INT_TYPE_SYMMETRIC_RANGE}).
 *
 * <p>A symmetric spec fixes the zero point at {@code round_half_even((qmin + qmax) / 2)}: 0 for signed types,
 * 128 for full-range uint8, 127 for narrow uint8 (as ONNX Runtime, so that every channel of a per-channel
 * weight has the same zero point, which its QLinearConv kernel requires).
 *
 * <p>Codes are stored in the smallest ONNX integer type that holds them ({@link #container()}): 2..8 bits in
 * INT8/UINT8 (a signed 4-bit code in an int8 tensor takes values in {@code [-8, 7]}), 16 bits in INT16/UINT16.
 *
 * @param role weight or activation; 16 bits are accepted for activations only
 * @param bits 2..8, or 16 for activations
 * @param signedness signed (two's complement) or unsigned codes
 * @param symmetry symmetric (zero point fixed, range {@code [-max|x|, max|x|]}) or asymmetric (affine)
 * @param range full or narrow integer range
 * @param granularity per tensor, per channel or per group
 */
public record QuantSpec(Role role, int bits, Signedness signedness, Symmetry symmetry, IntRange range,
        Granularity granularity) {

    /** What is quantized: a constant weight or a run-time activation. */
    public enum Role { WEIGHT, ACTIVATION }

    /** Two's complement codes, or non-negative codes. */
    public enum Signedness { SIGNED, UNSIGNED }

    /** Symmetric: zero point fixed at the middle of the grid; asymmetric: affine, zero point from the range. */
    public enum Symmetry { SYMMETRIC, ASYMMETRIC }

    /** Full integer range, or one code fewer so that the grid is symmetric about its zero point. */
    public enum IntRange { FULL, NARROW }

    /** ONNX tensor element type that stores the codes, with its {@code TensorProto.DataType} number. */
    public enum Container {
        UINT8(2), INT8(3), UINT16(4), INT16(5);

        private final int onnxDataType;

        Container(int onnxDataType) {
            this.onnxDataType = onnxDataType;
        }

        /** The {@code TensorProto.DataType} value (UINT8 = 2, INT8 = 3, UINT16 = 4, INT16 = 5). */
        public int onnxDataType() {
            return onnxDataType;
        }
    }

    public QuantSpec {
        notNull(role, "QuantSpec.role");
        notNull(signedness, "QuantSpec.signedness");
        notNull(symmetry, "QuantSpec.symmetry");
        notNull(range, "QuantSpec.range");
        notNull(granularity, "QuantSpec.granularity");
        if (role == Role.WEIGHT) {
            check(bits >= 2 && bits <= 8, "QuantSpec.bits", "2..8 for weights", bits);
        } else {
            check(bits >= 2 && bits <= 8 || bits == 16, "QuantSpec.bits", "2..8 or 16 for activations", bits);
            check(!(granularity instanceof Granularity.PerGroup), "QuantSpec.granularity",
                    "per-tensor or per-channel for activations (per-group scales would depend on the batch size)",
                    granularity);
        }
    }

    /**
     * Signed symmetric per-channel int8 on axis 0 with narrow range {@code [-127, 127]}, zero point 0: what
     * ONNX Runtime's QDQ quantizer writes for Conv/Gemm weights (symmetric int8 uses its narrow range), and what
     * its QLinearConv fusion expects.
     */
    public static QuantSpec weightInt8PerChannel() {
        return weight(8);
    }

    /**
     * Signed symmetric per-channel (axis 0) weights of {@code bits} bits, zero point 0. Integer range: narrow at
     * 8 bits ({@code [-127, 127]}, as ONNX Runtime), full below ({@code [-2^(b-1), 2^(b-1) - 1]}, e.g. 4 bits
     * {@code [-8, 7]}, again as ONNX Runtime does for INT4): at low bit widths the extra level is worth more
     * than an exactly symmetric grid, and no int8 kernel can overflow on codes of magnitude {@code <= 64}.
     */
    public static QuantSpec weight(int bits) {
        return new QuantSpec(Role.WEIGHT, bits, Signedness.SIGNED, Symmetry.SYMMETRIC,
                bits == 8 ? IntRange.NARROW : IntRange.FULL, new Granularity.PerChannel(0));
    }

    /** Unsigned asymmetric per-tensor uint8 {@code [0, 255]}: ONNX Runtime's default activation type. */
    public static QuantSpec activationUint8() {
        return activation(8);
    }

    /** Unsigned asymmetric per-tensor activations of {@code bits} bits (2..8 or 16), full range. */
    public static QuantSpec activation(int bits) {
        return new QuantSpec(Role.ACTIVATION, bits, Signedness.UNSIGNED, Symmetry.ASYMMETRIC, IntRange.FULL,
                new Granularity.PerTensor());
    }

    public QuantSpec withBits(int newBits) {
        return new QuantSpec(role, newBits, signedness, symmetry, range, granularity);
    }

    public QuantSpec withGranularity(Granularity g) {
        return new QuantSpec(role, bits, signedness, symmetry, range, g);
    }

    public QuantSpec withRange(IntRange r) {
        return new QuantSpec(role, bits, signedness, symmetry, r, granularity);
    }

    public QuantSpec withSymmetry(Symmetry s) {
        return new QuantSpec(role, bits, signedness, s, range, granularity);
    }

    public QuantSpec withSignedness(Signedness s) {
        return new QuantSpec(role, bits, s, symmetry, range, granularity);
    }

    public boolean isSigned() {
        return signedness == Signedness.SIGNED;
    }

    public boolean isSymmetric() {
        return symmetry == Symmetry.SYMMETRIC;
    }

    /** Smallest code. */
    public int qmin() {
        if (signedness == Signedness.SIGNED) {
            int q = -(1 << (bits - 1));
            return range == IntRange.NARROW ? q + 1 : q;
        }
        return 0;
    }

    /** Largest code. */
    public int qmax() {
        if (signedness == Signedness.SIGNED) {
            return (1 << (bits - 1)) - 1;
        }
        int q = (1 << bits) - 1;
        return range == IntRange.NARROW ? q - 1 : q;
    }

    /** Number of codes, {@code qmax - qmin + 1}. */
    public int levels() {
        return qmax() - qmin() + 1;
    }

    /** The zero point of a symmetric grid: {@code round_half_even((qmin + qmax) / 2)}. */
    public int symmetricZeroPoint() {
        return (int) Math.rint((qmin() + (double) qmax()) / 2);
    }

    /**
     * Whether {@code [qmin, qmax]} is the whole range of {@link #container()}. ONNX QuantizeLinear saturates to
     * its output type, so a spec that does not fill its container (narrow range, or fewer than 8 bits in an
     * 8-bit type) is reproduced at run time only if the codes are written ahead (weights: DequantizeLinear
     * alone), the output type is INT4/UINT4 where that fits, or a Clip bounds the input; otherwise the
     * deployed grid is the full-range one.
     */
    public boolean fillsContainer() {
        return switch (container()) {
            case INT8 -> qmin() == -128 && qmax() == 127;
            case UINT8 -> qmin() == 0 && qmax() == 255;
            case INT16 -> qmin() == -32768 && qmax() == 32767;
            case UINT16 -> qmin() == 0 && qmax() == 65535;
        };
    }

    /** ONNX element type that stores the codes. */
    public Container container() {
        if (bits <= 8) {
            return signedness == Signedness.SIGNED ? Container.INT8 : Container.UINT8;
        }
        return signedness == Signedness.SIGNED ? Container.INT16 : Container.UINT16;
    }

    @Override
    public String toString() {
        return (signedness == Signedness.SIGNED ? "int" : "uint") + bits + " "
                + symmetry.name().toLowerCase(java.util.Locale.ROOT) + " [" + qmin() + ", " + qmax() + "] "
                + granularity + " (" + role.name().toLowerCase(java.util.Locale.ROOT) + ")";
    }
}
