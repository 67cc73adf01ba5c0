package dev.inlierq.quant;

import static dev.inlierq.quant.Checks.check;

/**
 * One affine integer grid: codes {@code q} in {@code [qmin, qmax]} stand for the reals {@code (q - zeroPoint)
 * * scale}. This is where the arithmetic of ONNX {@code QuantizeLinear}/{@code DequantizeLinear} lives, in
 * float32 exactly as ONNX Runtime computes it (MLAS {@code quantize.cpp}):
 * <pre>
 *   quantize:   q = saturate(round_half_to_even(x / scale) + zeroPoint)      (a division, not x * (1/scale))
 *   dequantize: y = (q - zeroPoint) * scale
 * </pre>
 * A NaN input gives {@code qmin}, as MLAS does on x86 (MAXPS returns its second operand on NaN).
 *
 * @param scale step between codes, finite and {@code > 0}
 * @param zeroPoint code of the real value 0, in {@code [qmin, qmax]}
 * @param qmin smallest code
 * @param qmax largest code, {@code > qmin}
 */
public record QuantGrid(float scale, int zeroPoint, int qmin, int qmax) {

    public QuantGrid {
        check(qmin < qmax, "QuantGrid", "qmin < qmax", "[" + qmin + ", " + qmax + "]");
        check(Float.isFinite(scale) && scale > 0, "QuantGrid.scale", "a finite scale > 0", scale);
        check(zeroPoint >= qmin && zeroPoint <= qmax, "QuantGrid.zeroPoint", "a zero point in [" + qmin + ", "
                + qmax + "]", zeroPoint);
    }

    /**
     * The grid ONNX Runtime's quantizer ({@code quant_utils.compute_scale_zp}) derives from a real range:
     * <ol>
     *   <li>the range is widened to include 0: {@code rmin = min(min, 0)}, {@code rmax = max(max, 0)};
     *   <li>symmetric specs use {@code [-a, a]}, {@code a = max(|rmin|, |rmax|)};
     *   <li>{@code scale = (rmax - rmin) / (qmax - qmin)} (float32 difference, double quotient, then float32);
     *   <li>zero point: symmetric {@code round_half_even((qmin + qmax) / 2)}; asymmetric
     *       {@code round_half_even(qmin - rmin / scale)} (double), clamped to {@code [qmin, qmax]};
     *   <li>if the scale is below the smallest normal float (a constant-zero tensor), scale 1 and zero point 0
     *       (asymmetric) or the symmetric zero point (ONNX Runtime writes 0 there even for uint8; the middle
     *       code keeps every channel of a symmetric tensor on one zero point).
     * </ol>
     */
    public static QuantGrid fromRange(QuantSpec spec, float min, float max) {
        check(Float.isFinite(min) && Float.isFinite(max), "range", "finite bounds", "[" + min + ", " + max + "]");
        check(min <= max, "range", "min <= max", "[" + min + ", " + max + "]");
        int qmin = spec.qmin();
        int qmax = spec.qmax();
        float rmin = Math.min(min, 0f);
        float rmax = Math.max(max, 0f);
        if (spec.isSymmetric()) {
            float a = Math.max(Math.abs(rmin), Math.abs(rmax));
            rmin = -a;
            rmax = a;
        }
        float span = rmax - rmin;
        check(Float.isFinite(span), "range", "a width that fits in a float", "[" + min + ", " + max + "]");
        double scale = (double) span / ((double) qmax - qmin);
        if (scale < Float.MIN_NORMAL || (float) scale < Float.MIN_NORMAL) {
            return new QuantGrid(1f, spec.isSymmetric() ? spec.symmetricZeroPoint() : 0, qmin, qmax);
        }
        int zp;
        if (spec.isSymmetric()) {
            zp = spec.symmetricZeroPoint();
        } else {
            double z = Math.rint(qmin - rmin / scale);
            zp = (int) Math.max(qmin, Math.min(qmax, z));
        }
        return new QuantGrid((float) scale, zp, qmin, qmax);
    }

    /** ONNX QuantizeLinear: {@code saturate(round_half_to_even(x / scale) + zeroPoint)}. */
    public int quantize(float x) {
        float v = x / scale;
        if (Float.isNaN(v)) {
            return qmin;
        }
        double q = Math.rint(v) + zeroPoint;
        return (int) Math.max(qmin, Math.min(qmax, q));
    }

    /** ONNX DequantizeLinear: {@code (q - zeroPoint) * scale} in float32. */
    public float dequantize(int q) {
        return (q - zeroPoint) * scale;
    }

    /** {@code dequantize(quantize(x))}. */
    public float fakeQuantize(float x) {
        return dequantize(quantize(x));
    }

    /** The smallest representable real, {@code (qmin - zeroPoint) * scale}. */
    public float lowest() {
        return dequantize(qmin);
    }

    /** The largest representable real, {@code (qmax - zeroPoint) * scale}. */
    public float highest() {
        return dequantize(qmax);
    }
}
