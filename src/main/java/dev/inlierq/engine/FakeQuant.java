package dev.inlierq.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.quant.Encoding;
import dev.inlierq.quant.Granularity;
import java.util.Arrays;

/**
 * Differentiable fake quantization of NDArrays with an {@link Encoding}: the forward values are exactly those
 * of ONNX QuantizeLinear then DequantizeLinear ({@link Encoding#fakeQuantize}, float32, bit for bit), and the
 * backward pass uses straight-through estimators built from libtorch ops, so it runs inside a DJL
 * {@code GradientCollector}.
 *
 * <p>Forward, with scale {@code s}, zero point {@code z} and codes {@code [qmin, qmax]} broadcast per tensor,
 * per channel or per group (ONNX blocked layout, expanded along the axis):
 * <pre>
 *   y = (clamp(round_half_even(x / s) + z, qmin, qmax) - z) * s
 * </pre>
 * Rounding is written {@code v + stopGradient(round(v) - v)} with {@code v = x / s}: the value is
 * {@code round(v)} exactly (the difference is exact in float), the derivative is 1 (straight-through).
 * Gradients:
 * <ul>
 *   <li>input: {@code dy/dx = 1} where {@code qmin <= round(x/s) + z <= qmax}, 0 where clipped (as in
 *       LSQ, Esser et al. 2020, and PACT);
 *   <li>learnable scale ({@link #fakeQuant(NDArray, Encoding, NDArray)}): LSQ's
 *       {@code dy/ds = round(x/s) - x/s} inside, {@code qmin - z} or {@code qmax - z} where clipped, summed over
 *       the elements sharing {@code s} (LSQ, "Learned Step Size Quantization", Esser et al., ICLR 2020);
 *       scale it with {@link #gradScale} ({@code g = 1 / sqrt(numel * qmax)} in the paper);
 *   <li>rounding variable ({@link #fakeQuantWithRounding}): AdaRound's soft rounding
 *       {@code y = s (clamp(floor(w/s) + h + z, qmin, qmax) - z)} with {@code h in [0, 1]} (Nagel et al.,
 *       "Up or Down? Adaptive Rounding for Post-Training Quantization", ICML 2020): {@code dy/dh = s} inside,
 *       0 where clipped; {@code w} gets no gradient.
 * </ul>
 * Temporaries are closed as soon as they are consumed (libtorch's autograd graph keeps what it needs); the
 * result belongs to the input's manager. Never use {@code NDArray.duplicate()} in such code: it detaches.
 */
public final class FakeQuant {
    /** Bound on {@code x / s} before rounding: integers up to 2^24 are exact in float. */
    private static final float BAND = 1 << 24;
    private FakeQuant() {
    }

    /** Fake quantization with the encoding's constant scales; gradient to {@code x} only. */
    public static NDArray fakeQuant(NDArray x, Encoding e) {
        checkFloat(x, "x");
        if (e.size() == 1) {
            try (NDArray s = parameterTensor(x.getManager(), e, x.getShape(), false)) {
                return applyPerTensor(x, e, s);
            }
        }
        try (NDArray s = parameterTensor(x.getManager(), e, x.getShape(), false);
                NDArray z = parameterTensor(x.getManager(), e, x.getShape(), true)) {
            return apply(x, e, s, z);
        }
    }

    /**
     * Fake quantization with a learnable scale (LSQ): {@code scale} has {@link #parameterShape} and usually
     * requires a gradient; zero points and the integer range come from the encoding.
     */
    public static NDArray fakeQuant(NDArray x, Encoding e, NDArray scale) {
        checkFloat(x, "x");
        Shape want = parameterShape(e, x.getShape());
        if (!scale.getShape().equals(want)) {
            throw new IllegalArgumentException("scale: expected shape " + want + " for " + e.spec().granularity()
                    + " of input " + x.getShape() + ", got " + scale.getShape());
        }
        if (e.size() == 1) {
            return applyPerTensor(x, e, scale);
        }
        try (NDArray s = expand(scale, e, x.getShape());
                NDArray z = parameterTensor(x.getManager(), e, x.getShape(), true)) {
            return apply(x, e, s, z);
        }
    }

    /**
     * Per-tensor fake quantization with a learnable scale and a learnable zero point (LSQ+, Bhalgat et al.,
     * "LSQ+: Improving low-bit quantization through learnable offsets and better initialization", CVPR-W 2020,
     * with the offset written as a zero point, {@code beta = -s z}). {@code scale} and {@code zeroPoint} have
     * shape [1]; the zero point is continuous and used rounded, {@code zr = z + sg(round(z) - z)}, so the values
     * are those of the deployed encoding {@code (s, round(z))}:
     * {@code u = x / s + zr}, {@code y = s (clamp(round(u), qmin, qmax) - zr)}. Gradients (straight-through
     * rounding): to x 1 inside the range, else 0; to s LSQ's {@code round(u) - u} inside, the bound minus zr
     * outside; to z 0 inside and {@code -s} where clipped, LSQ+'s offset gradient.
     */
    public static NDArray fakeQuantLearned(NDArray x, Encoding e, NDArray scale, NDArray zeroPoint) {
        checkFloat(x, "x");
        if (e.size() != 1 || scale.size() != 1 || zeroPoint.size() != 1) {
            throw new IllegalArgumentException("learned zero points are per tensor: encoding of " + e.size()
                    + " scales, scale of shape " + scale.getShape() + ", zero point of shape " + zeroPoint.getShape());
        }
        try (NDArray zRound = zeroPoint.round();
                NDArray zd = zRound.sub(zeroPoint);
                NDArray zds = zd.stopGradient();
                NDArray zr = zeroPoint.add(zds);
                NDArray v0 = x.div(scale);
                NDArray u0 = v0.add(zr);
                NDArray u = u0.clip(e.qmin() - 0.5f, e.qmax() + 0.5f);
                NDArray r0 = u.round();
                NDArray r = r0.clip(e.qmin(), e.qmax());
                NDArray d = r.sub(u);
                NDArray dd = d.stopGradient();
                NDArray rs = u.add(dd);
                NDArray c = rs.sub(zr)) {
            return c.mul(scale);
        }
    }

    /**
     * The per-tensor case in fewer ops, with the zero point folded into the bounds {@code lo = qmin - z},
     * {@code hi = qmax - z}: {@code v = clamp(x / s, lo - 1/2, hi + 1/2)}, {@code y = s (v + sg(clamp(round(v),
     * lo, hi) - v))}. Values are those of {@link #apply}; so are the gradients: 1 to x where
     * {@code round(x / s)} lies in [lo, hi], else 0; {@code round(v) - v} to s there, else the bound.
     */
    private static NDArray applyPerTensor(NDArray x, Encoding e, NDArray s) {
        float lo = e.qmin() - e.zeroPoint(0);
        float hi = e.qmax() - e.zeroPoint(0);
        try (NDArray v0 = x.div(s);
                NDArray v = v0.clip(lo - 0.5f, hi + 0.5f);
                NDArray r0 = v.round();
                NDArray r = r0.clip(lo, hi);
                NDArray d = r.sub(v);
                NDArray dd = d.stopGradient();
                NDArray rs = v.add(dd)) {
            return rs.mul(s);
        }
    }

    /**
     * AdaRound's soft quantization {@code y = s (clamp(floor(w/s) + h + z, qmin, qmax) - z)}, where
     * {@code roundingOffset} {@code h} has the shape of {@code w} and lies in [0, 1] (e.g. a rectified sigmoid
     * of AdaRound's variable V). With {@code h} in {0, 1} the values are those of the deployed grid with that
     * rounding direction; with {@code h = [frac(w/s) >= 1/2]} (ties to even aside) those of
     * {@link #fakeQuant(NDArray, Encoding)}. Gradient to {@code h}: {@code s} times the upstream gradient
     * inside the clipping range, 0 outside; none to {@code w}.
     */
    public static NDArray fakeQuantWithRounding(NDArray w, Encoding e, NDArray roundingOffset) {
        checkFloat(w, "w");
        if (!roundingOffset.getShape().equals(w.getShape())) {
            throw new IllegalArgumentException("roundingOffset: expected shape " + w.getShape() + ", got "
                    + roundingOffset.getShape());
        }
        NDArray[] base = roundingBase(w, e);
        try {
            return withRounding(base, e, roundingOffset);
        } finally {
            for (NDArray a : base) {
                a.close();
            }
        }
    }

    /**
     * The part of {@link #fakeQuantWithRounding} that does not depend on the rounding offset, for a weight
     * rounded again and again (AdaRound's steps): {@code {floor(w / s), s, z}} laid out against {@code w}, owned
     * by {@code w}'s manager, without gradient.
     */
    public static NDArray[] roundingBase(NDArray w, Encoding e) {
        checkFloat(w, "w");
        NDManager m = w.getManager();
        NDArray s = parameterTensor(m, e, w.getShape(), false);
        NDArray z = parameterTensor(m, e, w.getShape(), true);
        try (NDArray v = w.div(s); NDArray f = v.floor()) {
            return new NDArray[] {f.stopGradient(), s, z};
        }
    }

    /** {@link #fakeQuantWithRounding} from its {@link #roundingBase}: the same values and gradient. */
    public static NDArray withRounding(NDArray[] base, Encoding e, NDArray roundingOffset) {
        if (!roundingOffset.getShape().equals(base[0].getShape())) {
            throw new IllegalArgumentException("roundingOffset: expected shape " + base[0].getShape() + ", got "
                    + roundingOffset.getShape());
        }
        try (NDArray fh = base[0].add(roundingOffset);
                NDArray q = fh.add(base[2]);
                NDArray c = q.clip(e.qmin(), e.qmax());
                NDArray cz = c.sub(base[2])) {
            return cz.mul(base[1]);
        }
    }

    private static NDArray apply(NDArray x, Encoding e, NDArray s, NDArray z) {
        // v is bounded first so that infinities saturate instead of turning into inf - inf = NaN in the
        // straight-through term; every code fits in +-2^24 and the gradient beyond is 0 (clipped) anyway
        try (NDArray v0 = x.div(s);
                NDArray v = v0.clip(-BAND, BAND);
                NDArray r = v.round();
                NDArray d = r.sub(v);
                NDArray dd = d.stopGradient();
                NDArray rs = v.add(dd);
                NDArray q = rs.add(z);
                NDArray c = q.clip(e.qmin(), e.qmax());
                NDArray cz = c.sub(z)) {
            return cz.mul(s);
        }
    }

    /**
     * A tensor holding the encoding's scales in {@link #parameterShape} (e.g. as the initial value of a
     * learnable LSQ scale). Owned by {@code m}.
     */
    public static NDArray scaleTensor(NDManager m, Encoding e, Shape xShape) {
        return DjlRuntime.create(m, e.scale(), parameterShape(e, xShape));
    }

    /**
     * Shape of a parameter tensor that broadcasts (per tensor, per channel) or expands (per group) against an
     * input of {@code xShape}: all ones but the channel axis ({@code [1, C, 1, 1]} for axis 1 of a 4-D input),
     * or the input shape with the group count on the axis.
     */
    public static Shape parameterShape(Encoding e, Shape xShape) {
        long[] x = xShape.getShape();
        long[] p = new long[x.length];
        Arrays.fill(p, 1);
        Granularity g = e.spec().granularity();
        if (g instanceof Granularity.PerChannel pc) {
            checkAxis(pc.axis(), x);
            p[pc.axis()] = x[pc.axis()];
        } else if (g instanceof Granularity.PerGroup pg) {
            checkAxis(pg.axis(), x);
            p = x.clone();
            p[pg.axis()] = (x[pg.axis()] + pg.groupSize() - 1) / pg.groupSize();
        }
        long count = 1;
        for (long d : p) {
            count *= d;
        }
        if (count != e.size()) {
            throw new IllegalArgumentException("encoding: expected " + count + " scales for " + g + " of input "
                    + xShape + ", got " + e.size());
        }
        return new Shape(p);
    }

    /**
     * LSQ gradient scaling: the value of {@code s} (exactly) with gradient {@code g} times the upstream one,
     * as {@code stopGradient(s) + (g s - stopGradient(g s))}.
     */
    public static NDArray gradScale(NDArray s, float g) {
        try (NDArray base = s.stopGradient();
                NDArray gs = Scalars.mul(s, g);
                NDArray gd = gs.stopGradient();
                NDArray delta = gs.sub(gd)) {
            return base.add(delta);
        }
    }

    /** LSQ's gradient scale {@code 1 / sqrt(numel * qmax)} for a tensor of {@code numel} elements. */
    public static float lsqGradScale(long numel, int qmax) {
        return (float) (1 / Math.sqrt((double) numel * Math.max(1, qmax)));
    }

    /** Scales (or zero points, as floats) laid out to broadcast against an input of {@code xShape}. */
    private static NDArray parameterTensor(NDManager m, Encoding e, Shape xShape, boolean zeroPoints) {
        float[] values;
        if (zeroPoints) {
            int[] z = e.zeroPoint();
            values = new float[z.length];
            for (int i = 0; i < z.length; i++) {
                values[i] = z[i];
            }
        } else {
            values = e.scale();
        }
        try (NDArray p = DjlRuntime.create(m, values, parameterShape(e, xShape))) {
            return expand(p, e, xShape);
        }
    }

    /** Per-group parameters repeated {@code groupSize} times along the axis (the last group cut to fit). */
    private static NDArray expand(NDArray p, Encoding e, Shape xShape) {
        if (!(e.spec().granularity() instanceof Granularity.PerGroup pg)) {
            return p.reshape(p.getShape());
        }
        long d = xShape.get(pg.axis());
        NDArray r = p.repeat(pg.axis(), pg.groupSize());
        if (r.getShape().get(pg.axis()) == d) {
            return r;
        }
        try (r) {
            return r.get(new NDIndex(":,".repeat(pg.axis()) + "0:" + d));
        }
    }

    private static void checkAxis(int axis, long[] x) {
        if (axis >= x.length) {
            throw new IllegalArgumentException("axis " + axis + ": expected an input of rank > " + axis + ", got "
                    + Arrays.toString(x));
        }
    }

    private static void checkFloat(NDArray x, String name) {
        if (x.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException(name + ": expected float32, got " + x.getDataType());
        }
    }
}
