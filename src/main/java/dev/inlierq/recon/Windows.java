package dev.inlierq.recon;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.ValueInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Spatial windows for reconstruction steps (issue 12, "cheaper steps"). A step of BRECQ, QDrop, InlierQ or
 * AdaRound on whole feature maps spends most of its time in the high-resolution units; but its loss is a mean
 * over positions, and the positions of one image are strongly correlated. So each sampled image contributes
 * one random window of the unit's output, {@code w x w} pixels ({@link ReconstructionOptions#window()}): the
 * unit runs on the crop of its inputs that the window needs (the window plus its receptive-field halo, from
 * {@link WindowGeometry}), and the loss counts only the window, which lies in the crop's exact interior:
 * positions that do not depend on the crop's artificial border, where the cropped unit computes exactly what
 * it computes on the full maps. Targets and the Fisher or InlierQ weights are cut at the same places
 * ({@link ReconstructionLoss.Crop}).
 *
 * <p>Crops are aligned to the unit's total stride (so that the cropped computation is the full one on the
 * interior) and all have one size (one executor, compiled for it); a crop is placed as far up and left as its
 * window allows and pushed back inside the map at its borders, where the map's own border keeps positions
 * exact. The window's start is drawn uniformly from {@code [-(w - 1), size - 1]} per axis and the window
 * clipped to the map, so every output position is counted with the same probability (no border bias); the
 * loss of each output is the mean over its counted positions. A unit whose outputs differ in resolution takes
 * the window in pixels of its coarsest output and the same region of the finer ones. Each step takes
 * {@link ReconstructionOptions#windowBatch()} images, one window each: a second window of an image would add
 * positions correlated with the first, a window of another image adds new content.
 *
 * <p>A unit keeps full maps when the walk cannot map one of its ops, when the window is not smaller than its
 * output, or when the crop would cover more than {@link #MAX_CROP_FRACTION} of the input map (small maps,
 * where windows save little); {@link Choice#description()} says which, for the unit's report.
 */
final class Windows implements AutoCloseable {
    /** Crops larger than this fraction of the input map's area are not worth it: the unit keeps full maps. */
    static final double MAX_CROP_FRACTION = 0.5;

    /** A unit's windows, or null with the reason it keeps full maps; description null without windows. */
    record Choice(Windows windows, String description) {
    }

    /**
     * The placement rule of one unit for a crop size: output strides, the coarsest one, and each output's exact
     * interval in crop coordinates for a crop at the map's start, inside it and at its end, per axis
     * ({from0, to0, from1, to1, from2, to2}).
     */
    private record Layout(WindowGeometry geo, List<String> outputs, long[] crop, long[] coarse, long[] coarseSize,
            Map<String, long[][]> exact) {
        /** Output {@code v}'s window along {@code ax} for a coarse window {@code [from, to)}: {from, to}. */
        long[] window(String v, int ax, long from, long to) {
            long r = coarse[ax] / geo.stride(v, ax);
            return new long[] {from * r, Math.min(to * r, geo.full(v, ax))};
        }

        /**
         * The crop's start (reference pixels) for a coarse window starting at {@code from}: every output's
         * window starting at or after its crop's first interior position, rounded down to the total stride,
         * kept inside the map.
         */
        long place(int ax, long from) {
            long want = Long.MAX_VALUE;
            for (String v : outputs) {
                long s = geo.stride(v, ax);
                want = Math.min(want, from * coarse[ax] - exact.get(v)[ax][2] * s);
            }
            long m = geo.totalStride(ax);
            long start = Math.floorDiv(want, m) * m;
            return Math.max(0, Math.min(start, geo.reference(ax) - crop[ax]));
        }

        /** Whether every window of side {@code w} along {@code ax} lies in its crop's exact interior. */
        boolean fits(int ax, int w) {
            long size = coarseSize[ax];
            long last = geo.reference(ax) - crop[ax];
            for (long a = -(w - 1); a < size; a++) {
                long from = Math.max(a, 0);
                long to = Math.min(a + w, size);
                long start = place(ax, from);
                int p = start == 0 ? 0 : start == last ? 2 : 1;
                for (String v : outputs) {
                    long off = start / geo.stride(v, ax);
                    long[] win = window(v, ax, from, to);
                    long[] ex = exact.get(v)[ax];
                    if (off + ex[2 * p] > win[0] || off + ex[2 * p + 1] < win[1]) {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    private final Layout layout;
    private final int window;
    private final Map<String, long[]> cropLengths = new HashMap<>();
    private final GraphExecutor executor;

    private Windows(Layout layout, Graph g, Units.Unit u, int window) {
        this.layout = layout;
        this.window = window;
        WindowGeometry.Evaluation ev = layout.geo().evaluate(layout.crop(), new long[2]);
        for (String v : u.outputs()) {
            long[] s = ev.shapes().get(v);
            cropLengths.put(v, new long[] {s[2], s[3]});
        }
        this.executor = new GraphExecutor(croppedGraph(g, u, ev));
    }

    /** The windows of {@code u} for {@code o.window()}, or why it keeps full maps. */
    static Choice choose(Graph g, Units.Unit u, ReconstructionOptions o) {
        int w = o.window();
        if (w == 0) {
            return new Choice(null, null);
        }
        WindowGeometry geo = WindowGeometry.analyse(g, u);
        if (geo.unsupported() != null) {
            return new Choice(null, "full maps: " + geo.unsupported());
        }
        long[] coarse = new long[2];
        long[] size = new long[2];
        for (int ax = 0; ax < 2; ax++) {
            for (String v : u.outputs()) {
                if (geo.stride(v, ax) > coarse[ax]) {
                    coarse[ax] = geo.stride(v, ax);
                    size[ax] = geo.full(v, ax);
                }
            }
            for (String v : u.outputs()) {
                long s = geo.stride(v, ax);
                if (coarse[ax] % s != 0 || size[ax] * coarse[ax] != geo.full(v, ax) * s) {
                    return new Choice(null, "full maps: outputs of resolutions that do not nest");
                }
            }
        }
        if (w >= size[0] || w >= size[1]) {
            return new Choice(null, String.format(Locale.ROOT, "full maps: the window (%d) is not smaller than the "
                    + "output (%dx%d)", w, size[0], size[1]));
        }
        Layout layout;
        try {
            layout = fit(geo, u, w, coarse, size);
        } catch (IllegalStateException e) {
            return new Choice(null, "full maps: " + e.getMessage());
        }
        long rh = geo.reference(0);
        long rw = geo.reference(1);
        long[] crop = layout.crop();
        double fraction = (double) crop[0] * crop[1] / (rh * rw);
        String sizes = String.format(Locale.ROOT, "window %dx%d of the %dx%d output, crop %dx%d of the %dx%d input "
                + "(%.1f%% of its area)", w, w, size[0], size[1], crop[0], crop[1], rh, rw, 100 * fraction);
        if (fraction > MAX_CROP_FRACTION) {
            return new Choice(null, "full maps: " + sizes);
        }
        try {
            return new Choice(new Windows(layout, g, u, w), sizes);
        } catch (RuntimeException e) {
            return new Choice(null, "full maps: the cropped unit does not compile (" + e.getMessage() + ")");
        }
    }

    /**
     * The layout of the smallest crop (reference pixels per axis, multiples of the total stride) in which every
     * window of side {@code w} fits the exact interior. A crop size the unit's ops cannot take (a kernel larger
     * than the crop, say) counts as too small.
     *
     * @throws IllegalStateException when no crop inside the map fits
     */
    private static Layout fit(WindowGeometry geo, Units.Unit u, int w, long[] coarse, long[] coarseSize) {
        long[] crop = new long[2];
        boolean[] done = new boolean[2];
        for (int ax = 0; ax < 2; ax++) {
            long m = geo.totalStride(ax);
            crop[ax] = Math.max(m, (w * coarse[ax] + m - 1) / m * m);
        }
        String failure = null;
        while (true) {
            Layout l = null;
            try {
                l = new Layout(geo, u.outputs(), crop.clone(), coarse, coarseSize, intervals(geo, u, crop));
            } catch (RuntimeException e) {
                failure = e.getMessage();
            }
            for (int ax = 0; ax < 2; ax++) {
                done[ax] = done[ax] || l != null && l.fits(ax, w);
                if (!done[ax] && (crop[ax] += geo.totalStride(ax)) > geo.reference(ax)) {
                    throw new IllegalStateException(String.format(Locale.ROOT, "no crop smaller than the %dx%d input "
                            + "holds a %dx%d window in its exact interior%s", geo.reference(0), geo.reference(1), w, w,
                            failure == null ? "" : " (" + failure + ")"));
                }
            }
            if (done[0] && done[1]) {
                return l;
            }
        }
    }

    /** Each output's exact intervals per axis for a crop at the map's start, inside it and at its end. */
    private static Map<String, long[][]> intervals(WindowGeometry geo, Units.Unit u, long[] crop) {
        Map<String, long[][]> r = new LinkedHashMap<>();
        u.outputs().forEach(v -> r.put(v, new long[2][6]));
        for (int place = 0; place < 3; place++) {
            long[] start = new long[2];
            for (int ax = 0; ax < 2; ax++) {
                long last = geo.reference(ax) - crop[ax];
                start[ax] = place == 0 ? 0 : place == 2 ? last : Math.min(geo.totalStride(ax), last);
            }
            WindowGeometry.Evaluation e = geo.evaluate(crop, start);
            for (String v : u.outputs()) {
                for (int ax = 0; ax < 2; ax++) {
                    CropSpan s = e.spans().get(v)[ax];
                    r.get(v)[ax][2 * place] = s.exactFrom();
                    r.get(v)[ax][2 * place + 1] = s.exactTo();
                }
            }
        }
        return r;
    }

    /**
     * The unit's subgraph with every value's shape that of its crop, and channel reshapes given the crop's
     * spatial sizes, for an executor compiled for crops.
     */
    private static Graph croppedGraph(Graph g, Units.Unit u, WindowGeometry.Evaluation ev) {
        Graph sub = Units.subgraph(g, u);
        Map<String, long[]> shapes = new HashMap<>(sub.shapes());
        shapes.putAll(ev.shapes());
        Map<String, ConstTensor> inits = new LinkedHashMap<>(sub.initializers());
        List<Node> nodes = new ArrayList<>();
        for (Node n : sub.nodes()) {
            ConstTensor t = ev.reshapeTargets().get(n.name());
            if (t == null) {
                nodes.add(n);
                continue;
            }
            String name = n.name() + "#crop_shape";
            inits.put(name, t);
            List<String> ins = new ArrayList<>(n.inputs());
            ins.set(1, name);
            nodes.add(new Node(n.name(), n.op(), ins, n.outputs(), n.attrs()));
        }
        List<ValueInfo> ins = new ArrayList<>();
        for (ValueInfo v : sub.inputs()) {
            ins.add(new ValueInfo(v.name(), v.type(), ev.shapes().get(v.name())));
        }
        List<ValueInfo> outs = new ArrayList<>();
        for (ValueInfo v : sub.outputs()) {
            outs.add(new ValueInfo(v.name(), v.type(), ev.shapes().get(v.name())));
        }
        return new Graph(nodes, inits, ins, outs, shapes, sub.opset(), sub.metadata());
    }

    /** The executor of the cropped unit (crops of this unit's size only). */
    GraphExecutor executor() {
        return executor;
    }

    /** Crop side in reference pixels per axis. */
    long[] crop() {
        return layout.crop().clone();
    }

    /**
     * Draws a window for each sample of {@code samples} ({@code rng}: seeded per unit, so deterministic) and
     * places its crop.
     */
    Draw draw(Random rng, int[] samples) {
        int b = samples.length;
        long[][] start = new long[2][b];
        long[][] from = new long[2][b];
        long[][] to = new long[2][b];
        for (int i = 0; i < b; i++) {
            for (int ax = 0; ax < 2; ax++) {
                long size = layout.coarseSize()[ax];
                long a = rng.nextInt((int) (size + window - 1)) - (window - 1L);
                from[ax][i] = Math.max(a, 0);
                to[ax][i] = Math.min(a + window, size);
                start[ax][i] = layout.place(ax, from[ax][i]);
            }
        }
        return new Draw(samples, start, from, to);
    }

    @Override
    public void close() {
        executor.close();
    }

    /**
     * One step's windows (in pixels of the coarsest output) and crops (reference pixels): crops of inputs and
     * targets, and the loss's {@link ReconstructionLoss.Crop}.
     */
    final class Draw {
        private final int[] samples;
        private final long[][] start;
        private final long[][] from;
        private final long[][] to;

        private Draw(int[] samples, long[][] start, long[][] from, long[][] to) {
            this.samples = samples;
            this.start = start;
            this.from = from;
            this.to = to;
        }

        /** The crops of unit input {@code v} ({@code all}: every sample's full map), stacked; a new array. */
        NDArray input(String v, NDArray all) {
            WindowGeometry geo = layout.geo();
            if (geo.global(v)) {
                return ReconstructionLoss.rows(all, samples);
            }
            return cut(all, v, layout.crop()[0] / geo.stride(v, 0), layout.crop()[1] / geo.stride(v, 1));
        }

        /** The crops of unit output {@code v}'s full maps {@code all} (targets), stacked; a new array. */
        NDArray output(String v, NDArray all) {
            long[] len = cropLengths.get(v);
            return cut(all, v, len[0], len[1]);
        }

        private NDArray cut(NDArray all, String v, long h, long w) {
            NDList parts = new NDList(samples.length);
            try {
                for (int i = 0; i < samples.length; i++) {
                    long r = start[0][i] / layout.geo().stride(v, 0);
                    long c = start[1][i] / layout.geo().stride(v, 1);
                    parts.add(all.get(new NDIndex().addSliceDim(samples[i], samples[i] + 1).addAllDim()
                            .addSliceDim(r, r + h).addSliceDim(c, c + w)));
                }
                return NDArrays.concat(parts, 0);
            } finally {
                parts.forEach(NDArray::close);
            }
        }

        /** Where output {@code v}'s crops lie and which positions count, the mask owned by {@code m}. */
        ReconstructionLoss.Crop crop(String v, NDManager m) {
            long[] len = cropLengths.get(v);
            int h = (int) len[0];
            int w = (int) len[1];
            int b = samples.length;
            int[] rows = new int[b];
            int[] cols = new int[b];
            float[] mask = new float[b * h * w];
            int count = 0;
            for (int i = 0; i < b; i++) {
                rows[i] = (int) (start[0][i] / layout.geo().stride(v, 0));
                cols[i] = (int) (start[1][i] / layout.geo().stride(v, 1));
                long[] wy = layout.window(v, 0, from[0][i], to[0][i]);
                long[] wx = layout.window(v, 1, from[1][i], to[1][i]);
                for (long y = wy[0]; y < wy[1]; y++) {
                    for (long x = wx[0]; x < wx[1]; x++) {
                        mask[(int) ((i * (long) h + y - rows[i]) * w + x - cols[i])] = 1f;
                        count++;
                    }
                }
            }
            NDArray mk = DjlRuntime.create(m, mask, new Shape(b, 1, h, w));
            return new ReconstructionLoss.Crop(rows, cols, h, w, mk, count);
        }
    }
}
