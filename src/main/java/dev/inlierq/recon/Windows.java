package dev.inlierq.recon;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.ValueInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Spatial windows for reconstruction steps (issue 12, "cheaper steps"). A step of BRECQ, QDrop, InlierQ or
 * AdaRound on whole feature maps spends most of its time on the high-resolution units; but its loss is a mean
 * over positions, and positions of one image are strongly correlated. So each sampled image contributes one
 * random window of the unit's output, {@code w x w} pixels ({@link ReconstructionOptions#window()}): the unit
 * runs on the crop of its inputs that the window needs (the window plus its receptive-field halo, from
 * {@link WindowGeometry}), and the loss counts only the window, which lies in the crop's exact interior:
 * positions that do not depend on the crop's artificial border, so the cropped unit computes there exactly
 * what it computes on the full maps. Targets and the Fisher or InlierQ weights are cut at the same places
 * ({@link ReconstructionLoss.Crop}).
 *
 * <p>Crops are aligned to the unit's total stride (so the cropped computation is the full one on the
 * interior) and all have one size (one executor, compiled for that size); a crop is placed as far up and
 * left as the window allows and pushed back inside the map at its borders, where the map's own border keeps
 * positions exact. The window's start is drawn uniformly from {@code [-(w - 1), size - 1]} per axis and the
 * window clipped to the map, so every output position is counted with the same probability (no border
 * bias); the loss is the mean over the counted positions. Each step takes
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

    private final WindowGeometry geo;
    private final int window;
    private final long[] crop;
    private final String first;
    /** output size per axis (all outputs share it), the output's stride, exact intervals per placement. */
    private final long[] outSize = new long[2];
    private final long[] outStride = new long[2];
    private final Map<String, long[]> cropLengths = new HashMap<>();
    /** per axis, the first exact output position of a crop inside the map (the start-side halo) */
    private final long[] interiorFrom;
    private final GraphExecutor executor;

    private Windows(WindowGeometry geo, Graph g, Units.Unit u, int window, long[] crop, long[] interiorFrom) {
        this.geo = geo;
        this.window = window;
        this.crop = crop;
        this.interiorFrom = interiorFrom;
        WindowGeometry.Evaluation ev = geo.evaluate(crop, new long[2]);
        this.first = u.outputs().get(0);
        for (int ax = 0; ax < 2; ax++) {
            outSize[ax] = geo.full(first, ax);
            outStride[ax] = geo.stride(first, ax);
        }
        for (String v : u.outputs()) {
            long[] s = ev.shapes().get(v);
            cropLengths.put(v, new long[] {s[2], s[3]});
        }
        this.executor = new GraphExecutor(croppedGraph(g, u, ev.shapes()));
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
        String out = u.outputs().get(0);
        long oh = geo.full(out, 0);
        long ow = geo.full(out, 1);
        if (w >= oh || w >= ow) {
            return new Choice(null, String.format(Locale.ROOT, "full maps: the window (%d) is not smaller than the "
                    + "output (%dx%d)", w, oh, ow));
        }
        long[] crop;
        long[][] exact;
        try {
            crop = fit(geo, u, w);
            exact = crop == null ? null : intervals(geo, u, crop);
        } catch (IllegalStateException e) {
            return new Choice(null, "full maps: " + e.getMessage());
        }
        long rh = geo.reference(0);
        long rw = geo.reference(1);
        if (crop == null) {
            return new Choice(null, String.format(Locale.ROOT, "full maps: no crop smaller than the %dx%d input holds "
                    + "a %dx%d window in its exact interior", rh, rw, w, w));
        }
        double fraction = (double) crop[0] * crop[1] / (rh * rw);
        String sizes = String.format(Locale.ROOT, "window %dx%d of the %dx%d output, crop %dx%d of the %dx%d input "
                + "(%.1f%% of its area)", w, w, oh, ow, crop[0], crop[1], rh, rw, 100 * fraction);
        if (fraction > MAX_CROP_FRACTION) {
            return new Choice(null, "full maps: " + sizes);
        }
        return new Choice(new Windows(geo, g, u, w, crop, new long[] {exact[0][2], exact[1][2]}), sizes);
    }

    /**
     * The smallest crop (reference pixels per axis, a multiple of the total stride) in which every window of
     * side {@code w} fits in the exact interior when placed by {@link #place}; null when none smaller than the
     * map does.
     */
    private static long[] fit(WindowGeometry geo, Units.Unit u, int w) {
        long[] crop = new long[2];
        boolean[] done = new boolean[2];
        String out = u.outputs().get(0);
        for (int ax = 0; ax < 2; ax++) {
            long m = geo.totalStride(ax);
            crop[ax] = Math.max(m, (w * geo.stride(out, ax) + m - 1) / m * m);
        }
        while (!(done[0] && done[1])) {
            long[][] intervals = intervals(geo, u, crop);
            for (int ax = 0; ax < 2; ax++) {
                if (done[ax]) {
                    continue;
                }
                if (fitsEverywhere(geo, out, ax, w, crop[ax], intervals[ax])) {
                    done[ax] = true;
                } else if ((crop[ax] += geo.totalStride(ax)) > geo.reference(ax)) {
                    return null;
                }
            }
        }
        return crop;
    }

    /**
     * Per axis, the exact interval of every output (intersected, in crop coordinates) for the three placements
     * of a crop: at the map's start, inside, at its end: {from0, to0, from1, to1, from2, to2}.
     */
    private static long[][] intervals(WindowGeometry geo, Units.Unit u, long[] crop) {
        long[][] r = new long[2][6];
        for (int place = 0; place < 3; place++) {
            long[] start = new long[2];
            for (int ax = 0; ax < 2; ax++) {
                long m = geo.totalStride(ax);
                long last = geo.reference(ax) - crop[ax];
                start[ax] = place == 0 ? 0 : place == 2 ? last : Math.min(m, last);
            }
            WindowGeometry.Evaluation e = geo.evaluate(crop, start);
            for (int ax = 0; ax < 2; ax++) {
                long from = 0;
                long to = Long.MAX_VALUE;
                for (String v : u.outputs()) {
                    WindowGeometry.Span s = e.spans().get(v)[ax];
                    from = Math.max(from, s.exactFrom());
                    to = Math.min(to, s.exactTo());
                }
                r[ax][2 * place] = from;
                r[ax][2 * place + 1] = to;
            }
        }
        return r;
    }

    /** Whether every window start along {@code ax} fits the crop's exact interior where {@link #place} puts it. */
    private static boolean fitsEverywhere(WindowGeometry geo, String out, int ax, int w, long crop, long[] exact) {
        long size = geo.full(out, ax);
        for (long a = -(w - 1); a < size; a++) {
            long ws = Math.max(a, 0);
            long we = Math.min(a + w, size);
            long start = place(geo.totalStride(ax), geo.stride(out, ax), geo.reference(ax), crop, ws, exact[2]);
            long off = start / geo.stride(out, ax);
            int p = start == 0 ? 0 : start == geo.reference(ax) - crop ? 2 : 1;
            if (off + exact[2 * p] > ws || off + exact[2 * p + 1] < we) {
                return false;
            }
        }
        return true;
    }

    /**
     * The crop's start (reference pixels) for a window starting at output position {@code ws}: the window's
     * start at the interior's first exact position ({@code from}), rounded down to the total stride {@code m},
     * kept inside the map.
     */
    private static long place(long m, long outStride, long reference, long crop, long ws, long from) {
        long want = (ws - from) * outStride;
        long start = Math.floorDiv(want, m) * m;
        return Math.max(0, Math.min(start, reference - crop));
    }

    /** The unit's subgraph with every value's shape that of its crop, for an executor compiled for crops. */
    private static Graph croppedGraph(Graph g, Units.Unit u, Map<String, long[]> cropShapes) {
        Graph sub = Units.subgraph(g, u);
        Map<String, long[]> shapes = new HashMap<>(sub.shapes());
        shapes.putAll(cropShapes);
        List<ValueInfo> ins = new ArrayList<>();
        for (ValueInfo v : sub.inputs()) {
            ins.add(new ValueInfo(v.name(), v.type(), cropShapes.get(v.name())));
        }
        List<ValueInfo> outs = new ArrayList<>();
        for (ValueInfo v : sub.outputs()) {
            outs.add(new ValueInfo(v.name(), v.type(), cropShapes.get(v.name())));
        }
        return new Graph(sub.nodes(), sub.initializers(), ins, outs, shapes, sub.opset(), sub.metadata());
    }

    /** The executor of the cropped unit (crops of this unit's size only). */
    GraphExecutor executor() {
        return executor;
    }

    /** Crop side in reference pixels per axis. */
    long[] crop() {
        return crop.clone();
    }

    /**
     * Draws a window for each sample of {@code samples} ({@code rng}: seeded per unit, so deterministic) and
     * places its crop.
     */
    Draw draw(Random rng, int[] samples) {
        int b = samples.length;
        long[][] start = new long[2][b];
        long[][] winFrom = new long[2][b];
        long[][] winTo = new long[2][b];
        for (int i = 0; i < b; i++) {
            for (int ax = 0; ax < 2; ax++) {
                long size = outSize[ax];
                long a = rng.nextInt((int) (size + window - 1)) - (window - 1L);
                winFrom[ax][i] = Math.max(a, 0);
                winTo[ax][i] = Math.min(a + window, size);
                start[ax][i] = place(geo.totalStride(ax), outStride[ax], geo.reference(ax), crop[ax], winFrom[ax][i],
                        interiorFrom[ax]);
            }
        }
        return new Draw(samples, start, winFrom, winTo);
    }

    @Override
    public void close() {
        executor.close();
    }

    /** One step's windows: crops of inputs and targets, and the loss's {@link ReconstructionLoss.Crop}. */
    final class Draw {
        private final int[] samples;
        private final long[][] start;
        private final long[][] winFrom;
        private final long[][] winTo;

        private Draw(int[] samples, long[][] start, long[][] winFrom, long[][] winTo) {
            this.samples = samples;
            this.start = start;
            this.winFrom = winFrom;
            this.winTo = winTo;
        }

        /** The crops of unit input {@code v} ({@code all}: every sample's full map), stacked; a new array. */
        NDArray input(String v, NDArray all) {
            return cut(all, v, crop[0] / geo.stride(v, 0), crop[1] / geo.stride(v, 1));
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
                    long r = start[0][i] / geo.stride(v, 0);
                    long c = start[1][i] / geo.stride(v, 1);
                    parts.add(all.get(samples[i] + ":" + (samples[i] + 1) + ",:," + r + ":" + (r + h) + "," + c + ":"
                            + (c + w)));
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
                rows[i] = (int) (start[0][i] / outStride[0]);
                cols[i] = (int) (start[1][i] / outStride[1]);
                for (long y = winFrom[0][i]; y < winTo[0][i]; y++) {
                    for (long x = winFrom[1][i]; x < winTo[1][i]; x++) {
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
