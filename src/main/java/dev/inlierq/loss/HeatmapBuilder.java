package dev.inlierq.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import dev.inlierq.detect.decode.HeatmapRecipe;
import dev.inlierq.detect.decode.TensorLayout;
import dev.inlierq.engine.Kernels;
import dev.inlierq.engine.Scalars;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds a detector's per-class score heatmap {@code H[N, C, L]} on the engine, from the raw output arrays
 * and the decoder's {@link HeatmapRecipe}, with differentiable tensor ops: {@code H[n, c, l] =
 * act(cls)[c]^e_cls * act(obj)^e_obj}, the parts' locations concatenated. It is the quantity InlierQ's
 * label-free top-K loss reads (docs/inlierq.md step 1); {@link HeatmapRecipe#evaluate} is its plain-Java
 * reference.
 */
public final class HeatmapBuilder {
    private HeatmapBuilder() {
    }

    public static NDArray build(HeatmapRecipe recipe, Map<String, NDArray> outputs) {
        List<NDArray> parts = new ArrayList<>();
        try {
            for (HeatmapRecipe.Part p : recipe.parts()) {
                NDArray out = outputs.get(p.output());
                if (out == null) {
                    throw new IllegalArgumentException("the heatmap reads output '" + p.output() + "', outputs are "
                            + outputs.keySet());
                }
                try (NDArray view = channelsByLocation(out, p.layout(), p.anchors(), p.sampleRows())) {
                    parts.add(part(view, p));
                }
            }
            return parts.size() == 1 ? parts.remove(0) : NDArrays.concat(new NDList(parts), 2);
        } finally {
            parts.forEach(NDArray::close);
        }
    }

    /**
     * The output as x[n, k, l] ([N, K, L]) with l = a * S + s, per {@link TensorLayout}; an output without a
     * batch axis ({@code sampleRows > 0}, see {@link HeatmapRecipe.Part}) holds the samples one after another.
     */
    static NDArray channelsByLocation(NDArray out, TensorLayout layout, int anchors, int sampleRows) {
        long[] s = out.getShape().getShape();
        if (sampleRows > 0) {
            return batchless(out, layout, anchors, sampleRows);
        }
        long n = s[0];
        if (layout == TensorLayout.CHANNELS_LAST) {
            long k = s[s.length - 1];
            try (NDArray r = out.reshape(n, -1, k)) {
                return r.transpose(0, 2, 1);
            }
        }
        long k = s[1] / anchors;
        try (NDArray r = out.reshape(n, anchors, k, -1); NDArray t = r.transpose(0, 2, 1, 3)) {
            return t.reshape(n, k, -1);
        }
    }

    /** [N*L..., K] or [A*K, N*H, W] as [N, K, L]. */
    private static NDArray batchless(NDArray out, TensorLayout layout, int anchors, int sampleRows) {
        long[] s = out.getShape().getShape();
        if (layout == TensorLayout.CHANNELS_LAST) {
            try (NDArray r = out.reshape(-1, sampleRows, s[s.length - 1])) {
                return r.transpose(0, 2, 1);
            }
        }
        long k = s[0] / anchors;
        long spatial = sampleRows / anchors;
        try (NDArray r = out.reshape(anchors, k, -1, spatial); NDArray t = r.transpose(2, 1, 0, 3)) {
            return t.reshape(t.getShape().get(0), k, sampleRows);
        }
    }

    private static NDArray part(NDArray x, HeatmapRecipe.Part p) {
        NDArray cls = term(x, p.classes());
        if (p.objectness() == null) {
            return cls;
        }
        try (NDArray obj = term(x, p.objectness())) {
            NDArray h = cls.mul(obj);
            cls.close();
            return h;
        }
    }

    private static NDArray term(NDArray x, HeatmapRecipe.Term t) {
        try (NDArray slice = x.get(new NDIndex().addAllDim().addSliceDim(t.firstChannel(), t.firstChannel() + t.channels()))) {
            NDArray act = switch (t.activation()) {
                case NONE -> Kernels.alias(slice);
                case SIGMOID -> slice.getNDArrayInternal().sigmoid();
                case SOFTMAX -> slice.softmax(1);
            };
            if (t.exponent() == 1.0) {
                return act;
            }
            NDArray pw = Scalars.pow(act, (float) t.exponent());
            act.close();
            return pw;
        }
    }
}
