package dev.inlierq.quant;

import static dev.inlierq.quant.Checks.check;
import static dev.inlierq.quant.Checks.notNull;

import java.util.Arrays;

/**
 * The result of calibration for one tensor: a {@link QuantSpec} and one (scale, zero point) pair per
 * parameter of its granularity (1 per tensor, one per channel, or one per group in ONNX blocked layout).
 * Immutable; arrays are copied in and out. {@code qmin}/{@code qmax} come from the spec.
 *
 * <p>{@link #quantize}, {@link #dequantize} and {@link #fakeQuantize} compute, element by element, ONNX
 * {@code QuantizeLinear}/{@code DequantizeLinear} in float32 ({@link QuantGrid}): {@code q =
 * saturate(round_half_to_even(x / scale) + zp)}, {@code y = (q - zp) * scale}. The engine's fake quantizer
 * reproduces these values bit for bit, so what is simulated is what ONNX Runtime runs.
 *
 * @param spec the quantizer specification
 * @param scale one finite positive scale per parameter
 * @param zeroPoint one zero point per parameter, in {@code [qmin, qmax]}; for symmetric specs the spec's
 *     {@link QuantSpec#symmetricZeroPoint()}
 */
public record Encoding(QuantSpec spec, float[] scale, int[] zeroPoint) {

    public Encoding {
        notNull(spec, "Encoding.spec");
        notNull(scale, "Encoding.scale");
        notNull(zeroPoint, "Encoding.zeroPoint");
        check(scale.length >= 1, "Encoding.scale", "at least one scale", 0);
        check(zeroPoint.length == scale.length, "Encoding.zeroPoint", scale.length + " zero points (one per scale)",
                zeroPoint.length);
        check(!(spec.granularity() instanceof Granularity.PerTensor) || scale.length == 1, "Encoding.scale",
                "1 scale for a per-tensor spec", scale.length);
        int qmin = spec.qmin();
        int qmax = spec.qmax();
        for (int i = 0; i < scale.length; i++) {
            check(Float.isFinite(scale[i]) && scale[i] > 0, "Encoding.scale[" + i + "]", "a finite scale > 0",
                    scale[i]);
            check(zeroPoint[i] >= qmin && zeroPoint[i] <= qmax, "Encoding.zeroPoint[" + i + "]",
                    "a value in [" + qmin + ", " + qmax + "]", zeroPoint[i]);
            check(!spec.isSymmetric() || zeroPoint[i] == spec.symmetricZeroPoint(), "Encoding.zeroPoint[" + i + "]",
                    spec.symmetricZeroPoint() + " (symmetric " + spec.signedness().name().toLowerCase(
                            java.util.Locale.ROOT) + " grid)", zeroPoint[i]);
        }
        scale = scale.clone();
        zeroPoint = zeroPoint.clone();
    }

    /** A per-tensor encoding. */
    public static Encoding perTensor(QuantSpec spec, float scale, int zeroPoint) {
        return new Encoding(spec, new float[] {scale}, new int[] {zeroPoint});
    }

    /**
     * One grid per parameter from real ranges {@code [min[i], max[i]]}, by ONNX Runtime's rules
     * ({@link QuantGrid#fromRange}: range widened to include 0; symmetric from {@code max|x|}; asymmetric
     * {@code scale = (max - min) / (qmax - qmin)}, {@code zp = round(qmin - min / scale)} clamped; scale 1 for
     * an all-zero range).
     */
    public static Encoding fromRange(QuantSpec spec, float[] min, float[] max) {
        notNull(spec, "spec");
        check(min.length == max.length, "fromRange", "as many maxima as minima (" + min.length + ")", max.length);
        check(min.length >= 1, "fromRange", "at least one range", 0);
        float[] s = new float[min.length];
        int[] z = new int[min.length];
        for (int i = 0; i < min.length; i++) {
            QuantGrid g = QuantGrid.fromRange(spec, min[i], max[i]);
            s[i] = g.scale();
            z[i] = g.zeroPoint();
        }
        return new Encoding(spec, s, z);
    }

    /** {@link #fromRange(QuantSpec, float[], float[])} for one range. */
    public static Encoding fromRange(QuantSpec spec, float min, float max) {
        return fromRange(spec, new float[] {min}, new float[] {max});
    }

    /** {@link #fromRange(QuantSpec, float[], float[])} for a list of ranges. */
    public static Encoding fromRanges(QuantSpec spec, Range[] ranges) {
        float[] lo = new float[ranges.length];
        float[] hi = new float[ranges.length];
        for (int i = 0; i < ranges.length; i++) {
            lo[i] = ranges[i].min();
            hi[i] = ranges[i].max();
        }
        return fromRange(spec, lo, hi);
    }

    public int qmin() {
        return spec.qmin();
    }

    public int qmax() {
        return spec.qmax();
    }

    /** Number of (scale, zero point) pairs. */
    public int size() {
        return scale.length;
    }

    /** The grid of parameter {@code i}. */
    public QuantGrid grid(int i) {
        return new QuantGrid(scale[i], zeroPoint[i], spec.qmin(), spec.qmax());
    }

    @Override
    public float[] scale() {
        return scale.clone();
    }

    @Override
    public int[] zeroPoint() {
        return zeroPoint.clone();
    }

    /** Scale of parameter {@code i}. */
    public float scale(int i) {
        return scale[i];
    }

    /** Zero point of parameter {@code i}. */
    public int zeroPoint(int i) {
        return zeroPoint[i];
    }

    /**
     * Shape of the scale/zero-point tensors for an input of {@code shape}, as ONNX expects: {@code []} per
     * tensor, {@code [C]} per channel, the input shape with the axis dimension replaced by the group count per
     * group.
     */
    public long[] parameterShape(long... shape) {
        return ParamLayout.parameterShape(spec.granularity(), shape);
    }

    /** ONNX QuantizeLinear of a row-major tensor; {@code shape} may be omitted for per-tensor encodings. */
    public int[] quantize(float[] x, long... shape) {
        ParamLayout l = layout(x.length, shape);
        QuantGrid[] grids = grids();
        int[] q = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            q[i] = grids[l.index(i)].quantize(x[i]);
        }
        return q;
    }

    /** ONNX DequantizeLinear of codes; codes outside {@code [qmin, qmax]} are rejected. */
    public float[] dequantize(int[] q, long... shape) {
        ParamLayout l = layout(q.length, shape);
        QuantGrid[] grids = grids();
        int qmin = spec.qmin();
        int qmax = spec.qmax();
        float[] y = new float[q.length];
        for (int i = 0; i < q.length; i++) {
            check(q[i] >= qmin && q[i] <= qmax, "dequantize: code[" + i + "]", "a code in [" + qmin + ", " + qmax
                    + "]", q[i]);
            y[i] = grids[l.index(i)].dequantize(q[i]);
        }
        return y;
    }

    /**
     * For the {@code length} values of a tensor of {@code shape} (row-major), the index of each element's scale
     * and zero point under this encoding's granularity.
     */
    public int[] parameterIndices(int length, long... shape) {
        ParamLayout l = layout(length, shape);
        int[] idx = new int[length];
        for (int i = 0; i < length; i++) {
            idx[i] = l.index(i);
        }
        return idx;
    }

    /** {@code dequantize(quantize(x))}: the values the deployed QDQ pair produces. */
    public float[] fakeQuantize(float[] x, long... shape) {
        ParamLayout l = layout(x.length, shape);
        QuantGrid[] grids = grids();
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = grids[l.index(i)].fakeQuantize(x[i]);
        }
        return y;
    }

    /**
     * Codes stored as the bytes of an INT8 or UINT8 tensor ({@link QuantSpec#container()}): signed codes as
     * two's complement, unsigned codes as their low 8 bits (read back with {@code b & 0xFF}). Codes of fewer
     * than 8 bits keep their range, e.g. signed 4-bit codes in {@code [-8, 7]}.
     */
    public byte[] quantizeToBytes(float[] x, long... shape) {
        checkByteContainer();
        return toBytes(quantize(x, shape));
    }

    /**
     * The encoding an affine weight is written with where the runtime takes one zero point per tensor (ONNX
     * Runtime's QLinearConv): the same scales in the container's narrow 8-bit symmetric spec (zero point 0 for
     * int8, 127 for uint8, {@link QuantSpec#weight}), whose codes {@code q - z + Z} stand for the same reals. A
     * symmetric encoding is returned as it is. Write codes with {@link #recentredBytes}.
     */
    public Encoding recentred() {
        if (spec.isSymmetric()) {
            return this;
        }
        check(spec.role() == QuantSpec.Role.WEIGHT && spec.bits() <= WeightGrid.MAX_AFFINE_BITS, "recentred",
                "an affine weight encoding of at most " + WeightGrid.MAX_AFFINE_BITS + " bits", spec);
        QuantSpec common = QuantSpec.weight(8).withSignedness(spec.signedness()).withGranularity(spec.granularity());
        int[] z = new int[scale.length];
        Arrays.fill(z, common.symmetricZeroPoint());
        return new Encoding(common, scale, z);
    }

    /**
     * The codes of {@code x} on this encoding's grids (clamped there), stored for {@link #recentred()}:
     * {@code q - z + Z} in its INT8 or UINT8 container.
     */
    public byte[] recentredBytes(float[] x, long... shape) {
        checkByteContainer();
        int[] q = quantize(x, shape);
        int[] p = parameterIndices(q.length, shape);
        int common = recentred().zeroPoint(0);
        for (int i = 0; i < q.length; i++) {
            q[i] += common - zeroPoint[p[i]];
        }
        return toBytes(q);
    }

    /** Codes as the bytes of their INT8 or UINT8 container (two's complement, or the low 8 bits). */
    private static byte[] toBytes(int[] q) {
        byte[] b = new byte[q.length];
        for (int i = 0; i < q.length; i++) {
            b[i] = (byte) q[i];
        }
        return b;
    }

    /** Inverse of {@link #quantizeToBytes}: dequantizes codes stored in an INT8 or UINT8 container. */
    public float[] dequantizeBytes(byte[] codes, long... shape) {
        checkByteContainer();
        boolean signed = spec.container() == QuantSpec.Container.INT8;
        int[] q = new int[codes.length];
        for (int i = 0; i < codes.length; i++) {
            q[i] = signed ? codes[i] : codes[i] & 0xFF;
        }
        return dequantize(q, shape);
    }

    private void checkByteContainer() {
        QuantSpec.Container c = spec.container();
        check(c == QuantSpec.Container.INT8 || c == QuantSpec.Container.UINT8, "byte codes",
                "an INT8 or UINT8 container (bits <= 8)", c + " (" + spec.bits() + " bits)");
    }

    private QuantGrid[] grids() {
        QuantGrid[] g = new QuantGrid[scale.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = grid(i);
        }
        return g;
    }

    private ParamLayout layout(int length, long[] shape) {
        long[] s = shape.length == 0 ? new long[] {length} : shape;
        ParamLayout l = ParamLayout.of(spec.granularity(), s);
        check(l.numel == length, "values", l.numel + " values for shape " + Arrays.toString(s), length);
        check(l.count == scale.length, "Encoding", l.count + " scales for " + spec.granularity() + " of shape "
                + Arrays.toString(s), scale.length);
        return l;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Encoding e && spec.equals(e.spec) && Arrays.equals(scale, e.scale)
                && Arrays.equals(zeroPoint, e.zeroPoint);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * spec.hashCode() + Arrays.hashCode(scale)) + Arrays.hashCode(zeroPoint);
    }

    @Override
    public String toString() {
        int n = Math.min(scale.length, 8);
        return "Encoding[" + spec + ", scale=" + Arrays.toString(Arrays.copyOf(scale, n))
                + (scale.length > n ? "..." : "") + ", zeroPoint=" + Arrays.toString(Arrays.copyOf(zeroPoint, n))
                + (zeroPoint.length > n ? "..." : "") + "]";
    }
}
