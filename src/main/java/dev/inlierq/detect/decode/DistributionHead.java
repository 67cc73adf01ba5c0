package dev.inlierq.detect.decode;

import static dev.inlierq.detect.InvalidSpecException.check;

import dev.inlierq.detect.decode.HeatmapRecipe.Activation;
import dev.inlierq.detect.decode.HeatmapRecipe.Part;
import dev.inlierq.detect.decode.HeatmapRecipe.Term;
import dev.inlierq.error.UserError;
import dev.inlierq.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Generalized-focal-loss heads with per-side distance distributions (NanoDet, GFL, PicoDet before
 * its in-graph decoding; family {@code gfl}). Class outputs hold per-location class logits (or
 * scores); regression outputs hold, per location, four distributions of {@code regMax + 1} logits,
 * for the distances to the left, top, right and bottom sides in units of the stride. For the grid
 * point (col, row) of stride s, with {@code o = cellOffset}:
 * <pre>
 *   cx = (col + o) * s          cy = (row + o) * s
 *   d_side = s * sum_{i=0..regMax} i * softmax(reg[side*(regMax+1) + i])
 *   box = (cx - d_left, cy - d_top, cx + d_right, cy + d_bottom)
 *   score[c] = p(cls[c])        p = identity if decoded, else sigmoid
 * </pre>
 * Grid points are level by level, {@code ceil(inH / s) x ceil(inW / s)} per level, row-major. Each
 * of {@code cls} and {@code reg} is either one output holding all levels concatenated or one output
 * per level. A combined NanoDet-Plus output [N, L, C + 4*(regMax+1)] is read by naming it in both,
 * with {@code regChannelOffset = C}.
 *
 * @param strides strides of the levels; at least one
 * @param regMax the distributions have {@code regMax + 1} bins (NanoDet: 7); at least 1
 * @param cls class outputs: one, or one per level
 * @param clsLayout layout of the class outputs; {@code CHANNELS_FIRST} ([N, C, L]) or
 *     {@code CHANNELS_LAST} ([N, L, C...]); classes are channels 0..C-1
 * @param reg regression outputs: one, or one per level
 * @param regLayout layout of the regression outputs; default {@code CHANNELS_LAST} ([N, L, 4*(regMax+1)])
 * @param regChannelOffset first distribution channel; default 0
 * @param cellOffset grid-point offset in cells: 0 for NanoDet-Plus, 0.5 for NanoDet/mmdetection GFL and
 *     PicoDet; default 0.5
 * @param batchAxis axis 0 of every output is the batch; default true (false: e.g. [1600, 80] per level)
 * @param decoded class channels are already sigmoid; default false
 */
public record DistributionHead(List<Integer> strides, int regMax, List<String> cls, TensorLayout clsLayout,
        List<String> reg, TensorLayout regLayout, int regChannelOffset, double cellOffset, boolean batchAxis,
        boolean decoded) implements Head {

    public DistributionHead {
        strides = Grid.checkStrides(strides, "strides");
        check(regMax >= 1, "regMax", "must be at least 1, got " + regMax);
        cls = checkOutputs(cls, "cls", strides.size());
        check(clsLayout != null, "clsLayout", "is required");
        reg = checkOutputs(reg, "reg", strides.size());
        check(regLayout != null, "regLayout", "is required");
        check(regChannelOffset >= 0, "regChannelOffset", "must be non-negative, got " + regChannelOffset);
        check(Double.isFinite(cellOffset) && cellOffset >= 0 && cellOffset < 1, "cellOffset",
                "must be in [0, 1), got " + cellOffset);
    }

    /** A head whose outputs have a batch axis. */
    public DistributionHead(List<Integer> strides, int regMax, List<String> cls, TensorLayout clsLayout,
            List<String> reg, TensorLayout regLayout, int regChannelOffset, double cellOffset, boolean decoded) {
        this(strides, regMax, cls, clsLayout, reg, regLayout, regChannelOffset, cellOffset, true, decoded);
    }

    /** Locations per image of output {@code i} of a list of {@code count} (one for all levels, or one per level). */
    private int sampleRows(int i, int count, int inputWidth, int inputHeight) {
        if (batchAxis) {
            return 0;
        }
        return count == 1 ? Grid.points(strides, inputWidth, inputHeight)
                : Grid.levelPoints(strides.get(i), inputWidth, inputHeight);
    }

    private static List<String> checkOutputs(List<String> names, String field, int levels) {
        check(names != null && (names.size() == 1 || names.size() == levels), field,
                "needs one output (all levels) or one per stride (" + levels + "), got "
                        + (names == null ? 0 : names.size()));
        for (int i = 0; i < names.size(); i++) {
            check(names.get(i) != null && !names.get(i).isBlank(), field + "[" + i + "]", "must name a model output");
        }
        return List.copyOf(names);
    }

    @Override
    public HeatmapRecipe heatmap(int numClasses, int inputWidth, int inputHeight) {
        Term classes = Term.of(0, numClasses, Activations.of(decoded, Activation.SIGMOID));
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < cls.size(); i++) {
            parts.add(new Part(cls.get(i), clsLayout, 1, classes, null,
                    sampleRows(i, cls.size(), inputWidth, inputHeight)));
        }
        return new HeatmapRecipe(numClasses, parts);
    }

    @Override
    public LocationBoxes boxes(Map<String, FloatTensor> outputs, int numClasses, int inputWidth, int inputHeight) {
        Grid g = Grid.of(strides, inputWidth, inputHeight);
        int bins = regMax + 1;
        TensorView[] views = new TensorView[reg.size()];
        List<UserError> problems = new ArrayList<>();
        for (int i = 0; i < views.length; i++) {
            try {
                views[i] = regView(outputs, i, g, inputWidth, inputHeight);
            } catch (UserError e) {
                problems.add(e);
            }
        }
        TensorView.throwAll(problems);
        boolean perLevel = views.length > 1;
        return new LocationBoxes(g.size(), (n, l, b) -> {
            int lv = perLevel ? g.level(l) : 0;
            TensorView v = views[lv];
            int local = perLevel ? l - g.levelStart[lv] : l;
            int step = v.channelStride();
            int first = v.index(n, regChannelOffset, local);
            double s = g.stride[l];
            double cx = (g.col[l] + cellOffset) * s;
            double cy = (g.row[l] + cellOffset) * s;
            b[0] = cx - expectedDistance(v.data, first, step, bins) * s;
            b[1] = cy - expectedDistance(v.data, first + bins * step, step, bins) * s;
            b[2] = cx + expectedDistance(v.data, first + 2 * bins * step, step, bins) * s;
            b[3] = cy + expectedDistance(v.data, first + 3 * bins * step, step, bins) * s;
        });
    }

    private TensorView regView(Map<String, FloatTensor> outputs, int i, Grid g, int inputWidth, int inputHeight) {
        TensorView v = TensorView.of(outputs, reg.get(i), regLayout, 1, sampleRows(i, reg.size(), inputWidth, inputHeight));
        v.requireAtLeastChannels(regChannelOffset + 4 * (regMax + 1),
                "4 distributions of " + (regMax + 1) + " bins from channel " + regChannelOffset);
        if (reg.size() == 1) {
            v.requireLocations(g.size(), g.describe(strides, inputWidth, inputHeight));
        } else {
            v.requireLocations(g.levelSize(i), "grid points of stride " + strides.get(i) + " on a "
                    + inputWidth + "x" + inputHeight + " input");
        }
        return v;
    }

    /** {@code sum_i i * softmax(x)_i} over {@code bins} values starting at {@code first}, {@code step} apart. */
    static double expectedDistance(float[] data, int first, int step, int bins) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < bins; i++) {
            max = Math.max(max, data[first + i * step]);
        }
        double sum = 0;
        double weighted = 0;
        for (int i = 0; i < bins; i++) {
            double e = Math.exp(data[first + i * step] - max);
            sum += e;
            weighted += i * e;
        }
        return weighted / sum;
    }

    @Override
    public List<String> outputNames() {
        List<String> names = new ArrayList<>(cls);
        reg.stream().filter(r -> !names.contains(r)).forEach(names::add);
        return List.copyOf(names);
    }
}
