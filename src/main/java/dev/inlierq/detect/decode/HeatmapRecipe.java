package dev.inlierq.detect.decode;

import static dev.inlierq.detect.InvalidSpecException.check;

import dev.inlierq.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How to build a detector's per-class score heatmap {@code H[N, C, L]} from its raw outputs, as data:
 * the quantity InlierQ's label-free loss takes its top-K from (docs/inlierq.md, step 1). The
 * differentiable engine rebuilds it from these records with tensor ops; {@link #evaluate} is the
 * plain-Java reference the engine is checked against.
 *
 * <p>Vocabulary (all of it):
 * <ul>
 *   <li>A recipe is a list of {@link Part}s whose locations are concatenated, in list order, along
 *       the last axis of H (pyramid levels, or anchor groups).</li>
 *   <li>A part reads one model output under a {@link TensorLayout} with {@code anchors} anchors per
 *       position, giving values {@code x[n, k, l]} (channel k, location l; see {@link TensorLayout}
 *       for the location order).</li>
 *   <li>A {@link Term} is a channel range {@code [firstChannel, firstChannel + channels)} with an
 *       {@link Activation} and an exponent. A part has a class term (C channels) and optionally an
 *       objectness term (1 channel).</li>
 *   <li>{@code H[n, c, offset + l] = act(cls)[c]^e_cls * act(obj)^e_obj}, the objectness factor
 *       being 1 when the part has none.</li>
 * </ul>
 * Families: YOLOX {@code obj * cls} (both already sigmoid); PicoDet {@code scores} as they are;
 * FastestDet {@code obj^0.6 * cls^0.4}; YOLOv3/v5 {@code sigmoid(obj) * sigmoid(cls)} per level;
 * NanoDet/GFL {@code sigmoid(cls)} per level; CenterNet {@code sigmoid(heatmap)}.
 *
 * @param numClasses C; every part's class term has this many channels
 * @param parts at least one
 */
public record HeatmapRecipe(int numClasses, List<Part> parts) {

    /** The activation applied to a term's channels at each location. */
    public enum Activation {
        /** The values are used as they are (the graph already produced probabilities). */
        NONE,
        /** {@code 1 / (1 + exp(-x))}, element-wise. */
        SIGMOID,
        /** {@code exp(x_k) / sum_j exp(x_j)} over the term's channels at one location. */
        SOFTMAX
    }

    /**
     * A channel range of a part, activated, then raised to {@code exponent}.
     *
     * @param firstChannel first channel (per anchor), from 0
     * @param channels number of channels, at least 1
     * @param activation how the raw values become probabilities
     * @param exponent positive power applied after the activation (1 for a plain product)
     */
    public record Term(int firstChannel, int channels, Activation activation, double exponent) {
        public Term {
            check(firstChannel >= 0, "firstChannel", "must be non-negative, got " + firstChannel);
            check(channels >= 1, "channels", "must be at least 1, got " + channels);
            check(activation != null, "activation", "is required");
            check(exponent > 0 && Double.isFinite(exponent), "exponent", "must be positive, got " + exponent);
        }

        /** A term with exponent 1. */
        public static Term of(int firstChannel, int channels, Activation activation) {
            return new Term(firstChannel, channels, activation, 1.0);
        }

        int end() {
            return firstChannel + channels;
        }
    }

    /**
     * One model output's contribution to H.
     *
     * @param output model output name
     * @param layout where its channels and locations are
     * @param anchors anchors per spatial position (1 for anchor-free heads)
     * @param classes the class term: {@code numClasses} channels
     * @param objectness the objectness term (one channel, not SOFTMAX), or null when there is none
     * @param sampleRows 0 when axis 0 of the output is the batch; else the output has no batch axis and
     *     each sample holds this many locations, one sample after the other ([N*L, K] channels last,
     *     [A*K, N*H, W] channels first)
     */
    public record Part(String output, TensorLayout layout, int anchors, Term classes, Term objectness,
            int sampleRows) {
        public Part {
            check(output != null && !output.isBlank(), "output", "must name a model output");
            check(layout != null, "layout", "is required");
            check(anchors >= 1, "anchors", "must be at least 1, got " + anchors);
            check(classes != null, "classes", "is required");
            check(objectness == null || objectness.channels() == 1, "objectness", "must be a single channel");
            check(objectness == null || objectness.activation() != Activation.SOFTMAX, "objectness",
                    "cannot use SOFTMAX over a single channel");
            check(sampleRows >= 0 && sampleRows % anchors == 0, "sampleRows",
                    "must be 0 or a positive multiple of the anchors, got " + sampleRows);
        }

        /** A part of an output with a batch axis. */
        public Part(String output, TensorLayout layout, int anchors, Term classes, Term objectness) {
            this(output, layout, anchors, classes, objectness, 0);
        }

        /** A part without objectness and with one anchor. */
        public static Part of(String output, TensorLayout layout, Term classes) {
            return new Part(output, layout, 1, classes, null);
        }
    }

    public HeatmapRecipe {
        check(numClasses >= 1, "numClasses", "must be at least 1, got " + numClasses);
        check(parts != null && !parts.isEmpty(), "parts", "needs at least one part");
        parts = List.copyOf(parts);
        for (int i = 0; i < parts.size(); i++) {
            check(parts.get(i).classes().channels() == numClasses, "parts[" + i + "].classes.channels",
                    "must equal numClasses " + numClasses + ", got " + parts.get(i).classes().channels());
        }
    }

    /**
     * H as a [N, C, L] tensor, L the sum of the parts' locations, values computed in double and
     * stored as float.
     *
     * @throws dev.inlierq.error.UserError BAD_SPEC when an output is missing or its shape does not fit
     */
    public FloatTensor evaluate(Map<String, FloatTensor> outputs) {
        Evaluated h = evaluateArray(outputs);
        return new FloatTensor(new long[] {h.batch, numClasses, h.locations}, h.values);
    }

    /** H as a flat array with its sizes; the array is fresh, the caller may modify it. */
    record Evaluated(float[] values, int batch, int locations) {
    }

    Evaluated evaluateArray(Map<String, FloatTensor> outputs) {
        List<TensorView> views = new ArrayList<>(parts.size());
        int total = 0;
        for (Part p : parts) {
            TensorView v = TensorView.of(outputs, p.output(), p.layout(), p.anchors(), p.sampleRows());
            int needed = p.classes().end();
            if (p.objectness() != null) {
                needed = Math.max(needed, p.objectness().end());
            }
            v.requireAtLeastChannels(needed, "class channels " + p.classes().firstChannel() + ".."
                    + (p.classes().end() - 1));
            if (!views.isEmpty()) {
                v.requireBatch(views.get(0).batch);
            }
            views.add(v);
            total += v.locations;
        }
        int batch = views.get(0).batch;
        int c = numClasses;
        float[] out = new float[Math.multiplyExact(Math.multiplyExact(batch, c), total)];
        int offset = 0;
        for (int i = 0; i < parts.size(); i++) {
            fill(parts.get(i), views.get(i), out, c, total, offset);
            offset += views.get(i).locations;
        }
        return new Evaluated(out, batch, total);
    }

    private static void fill(Part part, TensorView v, float[] out, int numClasses, int total, int offset) {
        int locations = v.locations;
        double[] objFactor = new double[locations];
        double[] softMax = new double[locations];
        double[] softSum = new double[locations];
        Term cls = part.classes();
        Term obj = part.objectness();
        for (int n = 0; n < v.batch; n++) {
            for (int l = 0; l < locations; l++) {
                objFactor[l] = obj == null ? 1.0
                        : power(Activations.apply(obj.activation(), v.get(n, obj.firstChannel(), l)), obj.exponent());
            }
            if (cls.activation() == Activation.SOFTMAX) {
                softmaxNormalizers(v, n, cls, softMax, softSum);
            }
            for (int k = 0; k < numClasses; k++) {
                int row = (n * numClasses + k) * total + offset;
                for (int l = 0; l < locations; l++) {
                    double x = v.get(n, cls.firstChannel() + k, l);
                    double p = cls.activation() == Activation.SOFTMAX
                            ? Math.exp(x - softMax[l]) / softSum[l]
                            : Activations.apply(cls.activation(), x);
                    out[row + l] = (float) (power(p, cls.exponent()) * objFactor[l]);
                }
            }
        }
    }

    private static void softmaxNormalizers(TensorView v, int n, Term t, double[] max, double[] sum) {
        for (int l = 0; l < v.locations; l++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int k = t.firstChannel(); k < t.end(); k++) {
                m = Math.max(m, v.get(n, k, l));
            }
            double s = 0;
            for (int k = t.firstChannel(); k < t.end(); k++) {
                s += Math.exp(v.get(n, k, l) - m);
            }
            max[l] = m;
            sum[l] = s;
        }
    }

    private static double power(double p, double exponent) {
        return exponent == 1.0 ? p : Math.pow(p, exponent);
    }
}
