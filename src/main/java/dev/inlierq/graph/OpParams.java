package dev.inlierq.graph;

import dev.inlierq.error.InvalidModelException;
import dev.inlierq.error.UnsupportedModelException;
import java.util.Arrays;

/**
 * Operator parameters resolved from attributes and constant inputs, with the defaults of the ONNX operator
 * specification and the differences between opsets (Clip, Split, Slice, Pad, Squeeze/Unsqueeze and the
 * reductions moved attributes to inputs over time). Shape inference, constant folding and the engine all
 * read operator parameters through this class, so the three agree.
 */
public final class OpParams {
    private OpParams() {
    }

    /** Geometry of a Conv, ConvTranspose or pooling window over the spatial axes. */
    public record Window(long[] kernel, long[] strides, long[] dilations, long[] padsBegin, long[] padsEnd,
            boolean ceilMode, boolean countIncludePad, long group) {
        public int spatialRank() {
            return kernel.length;
        }

        public boolean symmetricPads() {
            return Arrays.equals(padsBegin, padsEnd);
        }

        /** Output size along spatial axis i for input size {@code in} (convolution / pooling arithmetic). */
        public long outSize(int i, long in) {
            long eff = (kernel[i] - 1) * dilations[i] + 1;
            long num = in + padsBegin[i] + padsEnd[i] - eff;
            long out = ceilMode ? Math.floorDiv(num + strides[i] - 1, strides[i]) + 1 : Math.floorDiv(num, strides[i]) + 1;
            if (ceilMode && (out - 1) * strides[i] >= in + padsBegin[i]) {
                out--; // the last window must start inside the input or the begin padding
            }
            if (out < 1) {
                throw new InvalidModelException("the window (" + eff + " wide) does not fit the padded input ("
                        + (in + padsBegin[i] + padsEnd[i]) + ") on spatial axis " + i);
            }
            return out;
        }
    }

    /** Window of Conv / MaxPool / AveragePool, with auto_pad resolved for the given input shape. */
    public static Window window(Node n, long[] inShape, long[] weightShape) {
        Attributes a = n.attrs();
        int sr = inShape.length - 2;
        long[] kernel = a.getInts("kernel_shape", null);
        if (kernel == null) {
            if (weightShape == null) {
                throw new InvalidModelException(n + ": kernel_shape missing");
            }
            kernel = Arrays.copyOfRange(weightShape, Math.min(2, weightShape.length), weightShape.length);
        }
        sr = kernel.length;
        long[] strides = a.getInts("strides", ones(sr));
        long[] dil = a.getInts("dilations", ones(sr));
        long[] pads = a.getInts("pads", new long[2 * sr]);
        checkWindow(n, inShape.length, weightShape, kernel, strides, dil, pads);
        long[] begin = Arrays.copyOfRange(pads, 0, sr);
        long[] end = Arrays.copyOfRange(pads, sr, 2 * sr);
        String autoPad = a.getString("auto_pad", "NOTSET");
        boolean ceil = a.getInt("ceil_mode", 0) != 0;
        if (autoPad.equals("SAME_UPPER") || autoPad.equals("SAME_LOWER")) {
            for (int i = 0; i < sr; i++) {
                long in = inShape[2 + i];
                long out = (in + strides[i] - 1) / strides[i];
                long eff = (kernel[i] - 1) * dil[i] + 1;
                long total = Math.max(0, (out - 1) * strides[i] + eff - in);
                long small = total / 2;
                long big = total - small;
                begin[i] = autoPad.equals("SAME_UPPER") ? small : big;
                end[i] = autoPad.equals("SAME_UPPER") ? big : small;
            }
            ceil = false;
        } else if (autoPad.equals("VALID")) {
            Arrays.fill(begin, 0);
            Arrays.fill(end, 0);
        }
        return new Window(kernel, strides, dil, begin, end, ceil, a.getInt("count_include_pad", 0) != 0,
                a.getInt("group", 1));
    }

    /**
     * The window attributes must fit the input's spatial rank (and the weight's rank, when there is a weight):
     * one kernel size, stride and dilation per spatial axis, all positive, and two pads per axis.
     */
    private static void checkWindow(Node n, int inRank, long[] weightShape, long[] kernel, long[] strides, long[] dil,
            long[] pads) {
        int sr = kernel.length;
        boolean ok = inRank >= 3 && sr == inRank - 2 && strides.length == sr && dil.length == sr
                && pads.length == 2 * sr && (weightShape == null || weightShape.length == inRank);
        for (int i = 0; ok && i < sr; i++) {
            ok = kernel[i] > 0 && strides[i] > 0 && dil[i] > 0;
        }
        if (!ok) {
            throw new InvalidModelException(n + ": window attributes (kernel " + Arrays.toString(kernel) + ", strides "
                    + Arrays.toString(strides) + ", dilations " + Arrays.toString(dil) + ", pads " + Arrays.toString(pads)
                    + ") do not fit an input of rank " + inRank
                    + (weightShape == null ? "" : " and a weight of rank " + weightShape.length));
        }
    }

    /** Output shape of ConvTranspose per the ONNX formula (output_shape attribute honoured). */
    public record TransposedWindow(Window window, long[] outputPadding, long[] outSpatial) {
    }

    public static TransposedWindow transposedWindow(Node n, long[] inShape, long[] weightShape) {
        Attributes a = n.attrs();
        if (weightShape == null || weightShape.length != inShape.length) {
            throw new InvalidModelException(n + ": the weight's rank does not match the input of rank " + inShape.length);
        }
        int sr = weightShape.length - 2;
        long[] kernel = a.getInts("kernel_shape", Arrays.copyOfRange(weightShape, Math.min(2, weightShape.length),
                weightShape.length));
        long[] strides = a.getInts("strides", ones(sr));
        long[] dil = a.getInts("dilations", ones(sr));
        long[] outPad = a.getInts("output_padding", new long[sr]);
        long[] pads = a.getInts("pads", new long[2 * sr]);
        checkWindow(n, inShape.length, weightShape, kernel, strides, dil, pads);
        long[] outputShape0 = a.getInts("output_shape", null);
        if (outPad.length != sr || (outputShape0 != null && outputShape0.length < sr)) {
            throw new InvalidModelException(n + ": output_padding or output_shape does not match " + sr + " spatial axes");
        }
        long[] begin = Arrays.copyOfRange(pads, 0, sr);
        long[] end = Arrays.copyOfRange(pads, sr, 2 * sr);
        long[] outputShape = a.getInts("output_shape", null);
        String autoPad = a.getString("auto_pad", "NOTSET");
        long[] out = new long[sr];
        for (int i = 0; i < sr; i++) {
            long in = inShape[2 + i];
            long full = strides[i] * (in - 1) + outPad[i] + (kernel[i] - 1) * dil[i] + 1;
            if (outputShape != null || autoPad.startsWith("SAME")) {
                long target = outputShape != null ? outputShape[outputShape.length - sr + i] : in * strides[i];
                long total = Math.max(0, full - target);
                // the odd unit of padding goes to the end only for SAME_UPPER; SAME_LOWER and an explicit
                // output_shape without auto_pad put it at the begin (ONNX spec, as ONNX Runtime does)
                boolean upper = autoPad.equals("SAME_UPPER");
                begin[i] = upper ? total / 2 : total - total / 2;
                end[i] = total - begin[i];
            } else if (autoPad.equals("VALID")) {
                begin[i] = 0;
                end[i] = 0;
            }
            out[i] = full - begin[i] - end[i];
        }
        Window w = new Window(kernel, strides, dil, begin, end, false, false, a.getInt("group", 1));
        return new TransposedWindow(w, outPad, out);
    }

    /** Per-axis slicing after ONNX clamping rules: for each axis start, end (exclusive, may be -1) and step. */
    public record SliceSpec(long[] starts, long[] ends, long[] steps) {
        public long[] outShape() {
            long[] s = new long[starts.length];
            for (int i = 0; i < s.length; i++) {
                long st = steps[i];
                long len = st > 0 ? (ends[i] - starts[i] + st - 1) / st : (starts[i] - ends[i] - st - 1) / (-st);
                s[i] = Math.max(0, len);
            }
            return s;
        }

        public boolean isIdentity(long[] inShape) {
            for (int i = 0; i < starts.length; i++) {
                if (starts[i] != 0 || ends[i] != inShape[i] || steps[i] != 1) {
                    return false;
                }
            }
            return true;
        }
    }

    public static SliceSpec slice(Node n, long[] inShape, ValueLookup v) {
        int r = inShape.length;
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps;
        if (v.opset() < 10) {
            starts = n.attrs().getInts("starts", null);
            ends = n.attrs().getInts("ends", null);
            axes = n.attrs().getInts("axes", null);
            steps = null;
        } else {
            starts = constLongs(n, 1, v, null);
            ends = constLongs(n, 2, v, null);
            axes = constLongs(n, 3, v, null);
            steps = constLongs(n, 4, v, null);
        }
        if (starts == null || ends == null) {
            throw new UnsupportedModelException(n, "slice starts/ends must be constant");
        }
        if (axes == null) {
            axes = new long[starts.length];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = i;
            }
        }
        long[] s = new long[r];
        long[] e = inShape.clone();
        long[] st = ones(r);
        for (int i = 0; i < axes.length; i++) {
            int ax = Shapes.axis(axes[i], r);
            long dim = inShape[ax];
            long step = steps == null ? 1 : steps[i];
            if (step == 0) {
                throw new InvalidModelException(n + ": slice step 0");
            }
            long b = starts[i] < 0 ? starts[i] + dim : starts[i];
            long en = ends[i] < 0 ? ends[i] + dim : ends[i];
            if (ends[i] >= Long.MAX_VALUE / 2) {
                en = dim;
            }
            if (ends[i] <= Long.MIN_VALUE / 2) {
                en = -1;
            }
            if (step > 0) {
                b = clamp(b, 0, dim);
                en = clamp(en, 0, dim);
            } else {
                b = clamp(b, 0, dim - 1);
                en = clamp(en, -1, dim - 1);
            }
            s[ax] = b;
            e[ax] = en;
            st[ax] = step;
        }
        return new SliceSpec(s, e, st);
    }

    /** Split sizes along the split axis. */
    public static long[] splitSizes(Node n, long[] inShape, ValueLookup v) {
        int axis = Shapes.axis(n.attrs().getInt("axis", 0), inShape.length);
        long[] split = v.opset() < 13 ? n.attrs().getInts("split", null) : constLongs(n, 1, v, null);
        int outs = n.outputs().size();
        if (split == null) {
            long dim = inShape[axis];
            long num = n.attrs().getInt("num_outputs", outs);
            split = new long[(int) num];
            long chunk = (dim + num - 1) / num;
            for (int i = 0; i < num; i++) {
                split[i] = Math.min(chunk, dim - chunk * i);
            }
        }
        return split;
    }

    /** Pads as (begin per axis, end per axis), mode and constant value. */
    public record PadSpec(long[] begin, long[] end, String mode, float value) {
    }

    public static PadSpec pad(Node n, long[] inShape, ValueLookup v) {
        int r = inShape.length;
        long[] pads;
        float value;
        if (v.opset() < 11) {
            pads = n.attrs().getInts("pads", null);
            value = n.attrs().getFloat("value", 0f);
        } else {
            pads = constLongs(n, 1, v, null);
            ConstTensor c = n.input(2).isEmpty() ? null : v.constant(n.input(2));
            value = c == null ? 0f : (float) c.get(0);
            if (!n.input(2).isEmpty() && c == null) {
                throw new UnsupportedModelException(n, "pad value must be constant");
            }
        }
        if (pads == null) {
            throw new UnsupportedModelException(n, "pads must be constant");
        }
        long[] axes = constLongs(n, 3, v, null);
        long[] begin = new long[r];
        long[] end = new long[r];
        if (axes == null) {
            System.arraycopy(pads, 0, begin, 0, r);
            System.arraycopy(pads, r, end, 0, r);
        } else {
            for (int i = 0; i < axes.length; i++) {
                int ax = Shapes.axis(axes[i], r);
                begin[ax] = pads[i];
                end[ax] = pads[axes.length + i];
            }
        }
        return new PadSpec(begin, end, n.attrs().getString("mode", "constant"), value);
    }

    /** Resize / Upsample parameters: output shape and interpolation rules. */
    public record ResizeSpec(long[] outShape, float[] scales, String mode, String coordinateMode, String nearestMode) {
    }

    public static ResizeSpec resize(Node n, long[] inShape, ValueLookup v) {
        int r = inShape.length;
        float[] scales = null;
        long[] sizes = null;
        String mode = n.attrs().getString("mode", "nearest");
        String coord;
        String nearest;
        if (n.op() == OpType.Upsample) {
            scales = n.attrs().getFloats("scales", null);
            if (scales == null) {
                scales = constFloats(n, 1, v);
            }
            coord = "asymmetric";
            nearest = "floor";
            if (mode.equals("linear") || mode.equals("bilinear")) {
                mode = "linear";
            }
        } else if (v.opset() < 11) {
            scales = constFloats(n, 1, v);
            coord = "asymmetric";
            nearest = "floor";
        } else {
            float[] sc = n.input(2).isEmpty() ? null : constFloats(n, 2, v);
            if (sc != null && sc.length > 0) {
                scales = sc;
            }
            long[] sz = constLongs(n, 3, v, null);
            if (sz != null && sz.length > 0) {
                sizes = sz;
            }
            coord = n.attrs().getString("coordinate_transformation_mode", "half_pixel");
            nearest = n.attrs().getString("nearest_mode", "round_prefer_floor");
        }
        if (mode.equals("cubic")) {
            throw new UnsupportedModelException(n, "cubic Resize is not supported");
        }
        long[] out = new long[r];
        if (sizes != null) {
            long[] axes = n.attrs().getInts("axes", null);
            if (axes != null || sizes.length != r) {
                throw new UnsupportedModelException(n, "Resize with axes is not supported");
            }
            out = sizes.clone();
            scales = new float[r];
            for (int i = 0; i < r; i++) {
                scales[i] = (float) out[i] / inShape[i];
            }
        } else {
            if (scales == null || scales.length != r) {
                throw new UnsupportedModelException(n, "Resize needs constant scales or sizes");
            }
            for (int i = 0; i < r; i++) {
                // float32 product, as ONNX Runtime computes it: 10 * 0.7f is 7 in float32, 6.99999988 in float64
                out[i] = (long) Math.floor((float) inShape[i] * scales[i]);
            }
        }
        return new ResizeSpec(out, scales, mode, coord, nearest);
    }

    /** Clip bounds (attribute form before opset 11, inputs after; absent bound = infinite). */
    public static float[] clipBounds(Node n, ValueLookup v) {
        if (v.opset() < 11) {
            return new float[] {n.attrs().getFloat("min", Float.NEGATIVE_INFINITY),
                    n.attrs().getFloat("max", Float.POSITIVE_INFINITY)};
        }
        float lo = Float.NEGATIVE_INFINITY;
        float hi = Float.POSITIVE_INFINITY;
        if (!n.input(1).isEmpty()) {
            lo = constFloats(n, 1, v)[0];
        }
        if (!n.input(2).isEmpty()) {
            hi = constFloats(n, 2, v)[0];
        }
        return new float[] {lo, hi};
    }

    /** Axes of Squeeze / Unsqueeze / Reduce* (attribute or input depending on opset); null = all / none. */
    public static long[] axes(Node n, ValueLookup v) {
        boolean fromInput = switch (n.op()) {
            case Squeeze, Unsqueeze, ReduceSum -> v.opset() >= 13;
            case ReduceMean, ReduceMax -> v.opset() >= 18;
            default -> false;
        };
        return fromInput ? constLongs(n, 1, v, null) : n.attrs().getInts("axes", null);
    }

    /** Softmax axis, and whether the pre-13 "flatten to 2-D at axis" semantics apply. */
    public static int softmaxAxis(Node n, int rank, ValueLookup v) {
        long dflt = v.opset() < 13 ? 1 : -1;
        return Shapes.axis(n.attrs().getInt("axis", dflt), rank);
    }

    public static boolean legacySoftmax(ValueLookup v) {
        return v.opset() < 13;
    }

    /** A constant input as int64 values, {@code dflt} if the input is absent; throws if not constant. */
    public static long[] constLongs(Node n, int input, ValueLookup v, long[] dflt) {
        ConstTensor c = constInput(n, input, v);
        return c == null ? dflt : c.longs();
    }

    public static float[] constFloats(Node n, int input, ValueLookup v) {
        ConstTensor c = constInput(n, input, v);
        return c == null ? null : c.floats();
    }

    /** The constant behind input {@code input}, {@code null} if the input is absent; throws if not constant. */
    private static ConstTensor constInput(Node n, int input, ValueLookup v) {
        String name = n.input(input);
        if (name.isEmpty()) {
            return null;
        }
        ConstTensor c = v.constant(name);
        if (c == null) {
            throw new UnsupportedModelException(n, "input " + input + " ('" + name + "') must be constant");
        }
        return c;
    }

    static long[] ones(int n) {
        long[] a = new long[n];
        Arrays.fill(a, 1);
        return a;
    }

    private static long clamp(long x, long lo, long hi) {
        return Math.max(lo, Math.min(hi, x));
    }
}
