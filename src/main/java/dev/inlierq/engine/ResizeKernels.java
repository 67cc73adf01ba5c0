package dev.inlierq.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.error.UnsupportedModelException;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpParams;
import dev.inlierq.graph.OpType;
import java.util.Arrays;
import java.util.Map;

import static dev.inlierq.engine.Kernels.alias;
import static dev.inlierq.engine.Kernels.out;
import static dev.inlierq.engine.Kernels.select;

/**
 * Resize and Upsample (nearest and linear), one spatial axis at a time, with ONNX's coordinate modes.
 * The kernels of {@link dev.inlierq.graph.OpFamily#RESIZE}: exactly the operators that family declares.
 */
final class ResizeKernels {
    private ResizeKernels() {
    }

    static void register(Map<OpType, Kernels.Compiler> registry) {
        registry.put(OpType.Resize, ResizeKernels::resize);
        registry.put(OpType.Upsample, ResizeKernels::resize);
    }

    private static Kernel resize(Node n, Graph g, NDManager m) {
        long[] inShape = g.shape(n.input(0));
        OpParams.ResizeSpec spec = OpParams.resize(n, inShape, g);
        int r = inShape.length;
        if (spec.outShape()[0] != inShape[0] || spec.outShape()[1] != inShape[1]) {
            throw new UnsupportedModelException(n, "Resize of the batch or channel axis is not supported");
        }
        boolean nearest = spec.mode().equals("nearest");
        boolean linear = spec.mode().equals("linear");
        if (!nearest && !linear) {
            throw new UnsupportedModelException(n, "Resize mode " + spec.mode() + " is not supported");
        }
        Kernel[] steps = new Kernel[r];
        for (int ax = 2; ax < r; ax++) {
            long inDim = inShape[ax];
            long outDim = spec.outShape()[ax];
            double scale = spec.scales()[ax];
            if (inDim == outDim && scale == 1.0) {
                continue;
            }
            int axis = ax;
            double[] src = new double[(int) outDim];
            for (int i = 0; i < outDim; i++) {
                src[i] = sourceCoordinate(spec.coordinateMode(), i, scale, inDim, outDim);
            }
            if (nearest) {
                long[] idx = new long[(int) outDim];
                boolean integerRepeat = outDim % inDim == 0;
                long k = integerRepeat ? outDim / inDim : 0;
                for (int i = 0; i < outDim; i++) {
                    idx[i] = Math.max(0, Math.min(inDim - 1, nearestIndex(spec.nearestMode(), src[i])));
                    integerRepeat = integerRepeat && idx[i] == i / k;
                }
                if (integerRepeat) {
                    steps[ax] = (in, b) -> out(in[0].repeat(axis, k));
                } else {
                    steps[ax] = (in, b) -> out(select(in[0], axis, idx));
                }
            } else {
                long[] i0 = new long[(int) outDim];
                long[] i1 = new long[(int) outDim];
                float[] frac = new float[(int) outDim];
                for (int i = 0; i < outDim; i++) {
                    double x = Math.max(0, Math.min(inDim - 1, src[i]));
                    if (spec.coordinateMode().equals("tf_crop_and_resize")) {
                        throw new UnsupportedModelException(n, "tf_crop_and_resize is not supported");
                    }
                    long f = (long) Math.floor(x);
                    i0[i] = f;
                    i1[i] = Math.min(inDim - 1, f + 1);
                    frac[i] = (float) (x - f);
                }
                long[] wshape = new long[r];
                Arrays.fill(wshape, 1);
                wshape[ax] = outDim;
                NDArray weight = DjlRuntime.create(m, frac, new Shape(wshape));
                steps[ax] = (in, b) -> {
                    try (NDArray a = select(in[0], axis, i0); NDArray c = select(in[0], axis, i1);
                            NDArray d = c.sub(a); NDArray e = d.mul(weight)) {
                        return out(a.add(e));
                    }
                };
            }
        }
        return (in, b) -> {
            NDArray cur = in[0];
            for (Kernel step : steps) {
                if (step == null) {
                    continue;
                }
                NDArray next = step.run(new NDArray[] {cur}, b)[0];
                if (cur != in[0]) {
                    cur.close();
                }
                cur = next;
            }
            return out(cur == in[0] ? alias(cur) : cur);
        };
    }

    /**
     * Input coordinate of output index i (ONNX Resize coordinate_transformation_mode), computed in float32
     * as ONNX Runtime does: at exact .0 / .5 boundaries (scale 0.6 gives 2.5 / 0.6 - 0.5 = 2) a float64
     * evaluation with the float32 scale lands just below and picks another nearest pixel.
     */
    static double sourceCoordinate(String mode, long i, double scale, long inDim, long outDim) {
        float fi = i;
        float sc = (float) scale;
        return switch (mode) {
            case "half_pixel" -> (fi + 0.5f) / sc - 0.5f;
            case "pytorch_half_pixel" -> outDim > 1 ? (fi + 0.5f) / sc - 0.5f : 0f;
            case "align_corners" -> outDim > 1 ? fi * (float) (inDim - 1) / (float) (outDim - 1) : 0f;
            case "asymmetric" -> fi / sc;
            case "half_pixel_symmetric" -> {
                float adj = outDim / (inDim * sc);
                float center = inDim / 2f;
                float offset = center * (1 - adj);
                yield offset + (fi + 0.5f) / sc - 0.5f;
            }
            default -> throw new UnsupportedModelException("coordinate_transformation_mode " + mode + " is not supported");
        };
    }

    static long nearestIndex(String mode, double x) {
        return switch (mode) {
            case "round_prefer_floor" -> x - Math.floor(x) == 0.5 ? (long) Math.floor(x) : Math.round(x);
            case "round_prefer_ceil" -> x - Math.floor(x) == 0.5 ? (long) Math.ceil(x) : Math.round(x);
            case "floor" -> (long) Math.floor(x);
            case "ceil" -> (long) Math.ceil(x);
            default -> throw new UnsupportedModelException("nearest_mode " + mode + " is not supported");
        };
    }
}
