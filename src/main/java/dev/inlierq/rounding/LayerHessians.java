package dev.inlierq.rounding;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.engine.SimulatedRunner;
import dev.inlierq.engine.ValueHook;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpParams;
import dev.inlierq.graph.OpType;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.plan.Role;
import dev.inlierq.quant.Encoding;
import dev.inlierq.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The input Hessians {@code H = sum_x x x^T} of the quantized 2-D convolutions, one per convolution group, from
 * one pass of the calibration batches through the float engine. {@code x} is one receptive-field patch of the
 * layer's input (input channel of the group, kernel row, kernel column: the order of the weight's columns) as
 * the deployed layer sees it, that is after the input's activation quantizer; at most {@code positions} output
 * positions per image are sampled (seeded), since neighbouring patches overlap and the products are costly.
 * The products are libtorch matrix products; the sums are kept in double.
 *
 * <p>Optionally weighted per sampled position ({@link #collect(Source, Map, List, int, long, Map)}): the
 * inlier-centric objective of InlierQ (Kim et al., "Inlier-Centric Post-Training Quantization for Object
 * Detection Models", ICLR 2026; docs/inlierq.md step 4) in second order. GPTQ (Frantar et al., ICLR 2023)
 * minimises {@code sum_x |(W - Q) x|^2}; counting each patch's output error with the weight {@code w_p} of the
 * volume it produces (position p of the layer's output: 1 for an inlier and lambda_A for an anomaly, or the
 * inlier posterior {@code P(I | s)}) gives {@code sum_p w_p |(W - Q) x_p|^2 = tr((W - Q) H (W - Q)^T)} with
 *
 * <pre>    H = sum_p w_p x_p x_p^T</pre>
 *
 * accumulated as {@code P^T P} with each patch row scaled by {@code sqrt(w_p)}. The mean patch of bias
 * correction is weighted the same way, {@code sum_p w_p x_p / sum_p w_p}. Without weights the sums are those of
 * the unweighted form, bit for bit.
 */
public final class LayerHessians {
    /** One convolution's geometry and accumulated Hessians ({@code groups x d x d}, row-major). */
    public static final class Layer {
        final Node node;
        final OpParams.Window window;
        final long[] inShape;
        final int groups;
        final int d;
        final double[] h;
        /**
         * Weighted sum of the sampled patches per group ({@code groups x d}): the input mean once divided by
         * {@link #weightSum}.
         */
        final double[] sum;
        long samples;
        /** Sum of the sampled positions' weights (the number of samples when unweighted). */
        double weightSum;
        /**
         * With {@link #asymmetric}: {@code sum_p x_f x_q^T} per group ({@code groups x d x d}), the float
         * network's patch against the quantized network's at the same position; null otherwise.
         */
        double[] cross;
        /** With {@link #asymmetric}: the weighted sum of the float network's patches per group; null otherwise. */
        double[] floatSum;

        Layer(Node node, OpParams.Window window, long[] inShape, long[] wShape) {
            this.node = node;
            this.window = window;
            this.inShape = inShape;
            this.groups = (int) window.group();
            this.d = (int) (wShape[1] * wShape[2] * wShape[3]);
            this.h = new double[groups * d * d];
            this.sum = new double[groups * d];
        }

        public Node node() {
            return node;
        }

        public int groups() {
            return groups;
        }

        public int columns() {
            return d;
        }

        public long samples() {
            return samples;
        }

        /** The sum of the sampled positions' weights ({@link #samples()} when unweighted). */
        public double weightSum() {
            return weightSum;
        }

        /** The (weighted) mean input patch of group {@code gi} over the sampled positions ({@code d}). */
        public double[] mean(int gi) {
            double[] out = new double[d];
            for (int j = 0; j < d; j++) {
                out[j] = weightSum == 0 ? 0 : sum[gi * d + j] / weightSum;
            }
            return out;
        }

        /** The (weighted) mean float-network input patch of group {@code gi}: {@link #mean} unless asymmetric. */
        public double[] floatMean(int gi) {
            if (floatSum == null) {
                return mean(gi);
            }
            double[] out = new double[d];
            for (int j = 0; j < d; j++) {
                out[j] = weightSum == 0 ? 0 : floatSum[gi * d + j] / weightSum;
            }
            return out;
        }

        /** Whether the layer's sums are asymmetric ({@link #asymmetric}: cross and float sums exist). */
        public boolean asymmetric() {
            return cross != null;
        }

        /** {@code sum_p x_f x_q^T} of group {@code gi} ({@code d x d}, row-major), a copy; null unless asymmetric. */
        public double[] cross(int gi) {
            if (cross == null) {
                return null;
            }
            double[] out = new double[d * d];
            System.arraycopy(cross, gi * d * d, out, 0, d * d);
            return out;
        }

        /** The Hessian of group {@code gi} ({@code d x d}, row-major), a copy. */
        public double[] hessian(int gi) {
            double[] out = new double[d * d];
            System.arraycopy(h, gi * d * d, out, 0, d * d);
            return out;
        }
    }

    private LayerHessians() {
    }

    /** The planned convolutions whose rounding GPTQ can choose: 2-D Conv layers with a quantized weight. */
    public static Map<String, Layer> layers(Graph g, QuantPlan plan) {
        return layers(g, plan, plan.layers());
    }

    /** {@link #layers(Graph, QuantPlan)}, only those among {@code names}. */
    public static Map<String, Layer> layers(Graph g, QuantPlan plan, java.util.Collection<String> names) {
        Set<String> weighted = new HashSet<>();
        plan.weights().forEach(p -> weighted.add(p.layer()));
        Map<String, Layer> out = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            if (n.op() != OpType.Conv || !plan.layers().contains(n.name()) || !weighted.contains(n.name())
                    || !names.contains(n.name())) {
                continue;
            }
            long[] in = g.shape(n.input(0));
            long[] ws = g.shape(n.input(1));
            if (in == null || ws == null || in.length != 4 || ws.length != 4 || g.constant(n.input(1)) == null) {
                continue;
            }
            out.put(n.name(), new Layer(n, OpParams.window(n, in, ws), in, ws));
        }
        return out;
    }

    /** Runs one batch and hands each named value, as the deployed layer reads it, to {@code sink}. */
    @FunctionalInterface
    public interface Source {
        void run(FloatTensor batch, Set<String> names, BiConsumer<String, FloatTensor> sink);
    }

    /**
     * Layer inputs from the float network, each passed through its own activation quantizer (if it has one):
     * every layer sees float values upstream.
     */
    public static Source floatNetwork(GraphExecutor floatEngine, Map<String, Encoding> enc, QuantPlan plan) {
        return (batch, names, sink) -> floatEngine.runObserving(batch, names,
                (name, value) -> sink.accept(name, quantized(name, value, enc, plan)));
    }

    /**
     * Layer inputs from the quantized network (its weights as written, every planned activation fake-quantized):
     * what each layer reads once the layers before it are quantized too.
     */
    public static Source quantizedNetwork(SimulatedRunner sim) {
        return (batch, names, sink) -> {
            ValueHook quantize = sim.hook();
            sim.executor().runHooked(batch, (name, v) -> {
                NDArray q = quantize.apply(name, v);
                if (names.contains(name)) {
                    sink.accept(name, GraphExecutor.heapCopy(q));
                }
                return q;
            });
        };
    }

    /**
     * Inputs for asymmetric GPTQ: the quantized network's values as {@code quantized} gives them (the Hessian's
     * {@code x_q}), paired at each sampled position with the float network's values as {@code reference} gives
     * them ({@code x_f}). {@link #collect} then also accumulates {@code sum x_f x_q^T} and the float patch sums
     * ({@link Layer#cross}, {@link Layer#floatMean}).
     */
    public static Source asymmetric(Source reference, Source quantized) {
        return new Paired(reference, quantized);
    }

    /** {@link #asymmetric}'s source. */
    private record Paired(Source reference, Source quantized) implements Source {
        @Override
        public void run(FloatTensor batch, Set<String> names, BiConsumer<String, FloatTensor> sink) {
            quantized.run(batch, names, sink);
        }
    }

    /** Accumulates the Hessians of {@code layers} over {@code batches}, with inputs from {@code source}. */
    public static void collect(Source source, Map<String, Layer> layers, List<FloatTensor> batches, int positions,
            long seed) {
        collect(source, layers, batches, positions, seed, Map.of());
    }

    /**
     * Accumulates the weighted Hessians {@code H = sum_p w_p x_p x_p^T} of {@code layers} (see the class comment).
     *
     * @param weights per layer (by node name), the weight of every output position of every calibration image,
     *                {@code [N, outH, outW]} flat with N the images of all {@code batches} in order; a layer not
     *                in the map is unweighted
     */
    public static void collect(Source source, Map<String, Layer> layers, List<FloatTensor> batches, int positions,
            long seed, Map<String, float[]> weights) {
        Map<String, List<Layer>> byInput = new LinkedHashMap<>();
        layers.values().forEach(l -> byInput.computeIfAbsent(l.node.input(0), k -> new ArrayList<>()).add(l));
        int firstImage = 0;
        for (int b = 0; b < batches.size(); b++) {
            Map<Layer, Integer> calls = new java.util.HashMap<>();
            long batchSeed = seed * 1_000_003L + b;
            int first = firstImage;
            // asymmetric: the float network's reports of each value, in order (one per sample when the graph
            // cannot run a batch at once), paired with the quantized network's reports in the same order
            Map<String, List<FloatTensor>> floats = new java.util.HashMap<>();
            Map<String, Integer> reports = new java.util.HashMap<>();
            if (source instanceof Paired p) {
                p.reference().run(batches.get(b), byInput.keySet(),
                        (name, x) -> floats.computeIfAbsent(name, k -> new ArrayList<>()).add(x));
            }
            source.run(batches.get(b), byInput.keySet(), (name, x) -> {
                int report = reports.merge(name, 1, Integer::sum) - 1;
                FloatTensor xf = floats.containsKey(name) ? floats.get(name).get(report) : null;
                for (Layer l : byInput.get(name)) {
                    int call = calls.merge(l, 1, Integer::sum);
                    Sampled s = patches(l, x, random(batchSeed, l, call), positions, weights.get(l.node.name()), first);
                    accumulate(l, s.patches(), s.weights());
                    if (xf != null) {
                        Sampled f = patches(l, xf, random(batchSeed, l, call), positions, weights.get(l.node.name()),
                                first);
                        accumulateCross(l, s, f);
                    }
                }
            });
            firstImage += (int) batches.get(b).shape()[0];
        }
    }

    private static FloatTensor quantized(String name, FloatTensor value, Map<String, Encoding> enc, QuantPlan plan) {
        var p = plan.point(name);
        Encoding e = enc.get(name);
        if (p == null || p.role() != Role.ACTIVATION || e == null) {
            return value;
        }
        return new FloatTensor(value.shape(), e.fakeQuantize(value.data(), value.shape()));
    }

    /** The position sampler of the {@code n}-th report of layer {@code l}'s input in one batch. */
    private static Random random(long batchSeed, Layer l, int n) {
        return new Random(batchSeed ^ l.node.name().hashCode() ^ (n * 0x9E3779B97F4A7C15L));
    }

    /** Sampled patches {@code [groups, rows, d]} flat, and the weight of each row ({@code null}: unweighted). */
    private record Sampled(float[] patches, float[] weights) {
    }

    /**
     * The sampled patches of {@code x}, with the weights of their output positions from {@code weights}
     * ({@code [N, outH, outW]} over the calibration set, {@code null}: unweighted; this batch starts at image
     * {@code firstImage}).
     */
    private static Sampled patches(Layer l, FloatTensor x, Random rnd, int positions, float[] weights,
            int firstImage) {
        long[] s = x.shape();
        int n = (int) s[0];
        int c = (int) s[1];
        int ih = (int) s[2];
        int iw = (int) s[3];
        int oh = (int) l.window.outSize(0, ih);
        int ow = (int) l.window.outSize(1, iw);
        int[] picks = sample(oh * ow, positions, rnd);
        int rows = n * picks.length;
        float[] patches = new float[l.groups * rows * l.d];
        float[] data = x.data();
        for (int img = 0; img < n; img++) {
            for (int pi = 0; pi < picks.length; pi++) {
                patch(l, data, c, ih, iw, img, picks[pi] / ow, picks[pi] % ow, patches, rows,
                        img * picks.length + pi);
            }
        }
        if (weights == null) {
            return new Sampled(patches, null);
        }
        if ((long) (firstImage + n) * oh * ow > weights.length) {
            throw new IllegalStateException(l.node.name() + ": " + weights.length + " position weights do not cover "
                    + "images " + firstImage + ".." + (firstImage + n - 1) + " of " + oh + " x " + ow + " outputs");
        }
        float[] w = new float[rows];
        for (int img = 0; img < n; img++) {
            for (int pi = 0; pi < picks.length; pi++) {
                w[img * picks.length + pi] = weights[(firstImage + img) * oh * ow + picks[pi]];
            }
        }
        return new Sampled(patches, w);
    }

    /** Writes the patch of output position {@code (oy, ox)} of image {@code img} as row {@code row}. */
    private static void patch(Layer l, float[] data, int c, int ih, int iw, int img, int oy, int ox, float[] patches,
            int rows, int row) {
        int cg = c / l.groups;
        int kh = (int) l.window.kernel()[0];
        int kw = (int) l.window.kernel()[1];
        for (int ch = 0; ch < c; ch++) {
            int gi = ch / cg;
            int base = (gi * rows + row) * l.d + (ch % cg) * kh * kw;
            for (int ky = 0; ky < kh; ky++) {
                int y = (int) (oy * l.window.strides()[0] - l.window.padsBegin()[0] + ky * l.window.dilations()[0]);
                for (int kx = 0; kx < kw; kx++) {
                    int xx = (int) (ox * l.window.strides()[1] - l.window.padsBegin()[1] + kx * l.window.dilations()[1]);
                    if (y >= 0 && y < ih && xx >= 0 && xx < iw) {
                        patches[base + ky * kw + kx] = data[((img * c + ch) * ih + y) * iw + xx];
                    }
                }
            }
        }
    }

    /**
     * Adds {@code P^T P} to the Hessians, each row first scaled by {@code sqrt(w)} when {@code weights} is given,
     * and {@code w} times each row to the patch sums.
     */
    private static void accumulate(Layer l, float[] patches, float[] weights) {
        int rows = patches.length / (l.groups * l.d);
        float[] scaled = patches;
        if (weights != null) {
            scaled = new float[patches.length];
            for (int gi = 0; gi < l.groups; gi++) {
                for (int r = 0; r < rows; r++) {
                    float root = (float) Math.sqrt(weights[r]);
                    int base = (gi * rows + r) * l.d;
                    for (int j = 0; j < l.d; j++) {
                        scaled[base + j] = patches[base + j] * root;
                    }
                }
            }
        }
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray p = DjlRuntime.create(m, scaled, new Shape(l.groups, rows, l.d));
            add(l.h, p.transpose(0, 2, 1).matMul(p).toFloatArray());
        }
        for (int gi = 0; gi < l.groups; gi++) {
            for (int r = 0; r < rows; r++) {
                int base = (gi * rows + r) * l.d;
                if (weights == null) {
                    for (int j = 0; j < l.d; j++) {
                        l.sum[gi * l.d + j] += patches[base + j];
                    }
                } else {
                    for (int j = 0; j < l.d; j++) {
                        l.sum[gi * l.d + j] += (double) weights[r] * patches[base + j];
                    }
                }
            }
        }
        l.samples += rows;
        if (weights == null) {
            l.weightSum += rows;
        } else {
            for (float w : weights) {
                l.weightSum += w;
            }
        }
    }

    /**
     * Adds {@code P_f^T P_q} (each row scaled by its weight, when weighted) to the cross sums of an asymmetric
     * layer, and the float patches to its float sums; {@code q} and {@code f} are the same positions.
     */
    private static void accumulateCross(Layer l, Sampled q, Sampled f) {
        int rows = q.patches().length / (l.groups * l.d);
        if (l.cross == null) {
            l.cross = new double[l.groups * l.d * l.d];
            l.floatSum = new double[l.groups * l.d];
        }
        float[] fw = f.patches(); // this call's own array: scaled in place
        for (int gi = 0; gi < l.groups; gi++) {
            for (int r = 0; r < rows; r++) {
                float w = q.weights() == null ? 1f : q.weights()[r];
                int base = (gi * rows + r) * l.d;
                for (int j = 0; j < l.d; j++) {
                    l.floatSum[gi * l.d + j] += (double) w * fw[base + j];
                    fw[base + j] *= w;
                }
            }
        }
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray pf = DjlRuntime.create(m, fw, new Shape(l.groups, rows, l.d));
            NDArray pq = DjlRuntime.create(m, q.patches(), new Shape(l.groups, rows, l.d));
            add(l.cross, pf.transpose(0, 2, 1).matMul(pq).toFloatArray());
        }
    }

    private static void add(double[] acc, float[] v) {
        for (int i = 0; i < v.length; i++) {
            acc[i] += v[i];
        }
    }

    /** {@code k} distinct positions out of {@code total} (all when {@code total <= k}), in increasing order. */
    static int[] sample(int total, int k, Random rnd) {
        int[] idx = new int[total];
        for (int i = 0; i < total; i++) {
            idx[i] = i;
        }
        if (total <= k) {
            return idx;
        }
        for (int i = 0; i < k; i++) {
            int j = i + rnd.nextInt(total - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        int[] out = java.util.Arrays.copyOf(idx, k);
        java.util.Arrays.sort(out);
        return out;
    }
}
