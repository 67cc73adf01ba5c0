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
 * Anchor-based YOLO heads, v3 or v5 style (family {@code anchor_yolo}). One raw output per level,
 * [N, A*(5+C), H, W] ({@link TensorLayout#CHANNELS_FIRST}) or [N, A, H, W, 5+C]
 * ({@link TensorLayout#CHANNELS_LAST}); per anchor the channels are tx, ty, tw, th, objectness,
 * classes. For anchor (aw, ah) (input pixels) at cell (col, row) of a level with stride s, with
 * {@code p = identity if decoded, else sigmoid}:
 * <pre>
 *   V5:  cx = (2 p(tx) - 0.5 + col) * s      w = (2 p(tw))^2 * aw     (likewise y, h)
 *   V3:  cx = (p(tx) + col) * s              w = exp(tw) * aw         (tw is never activated)
 *   score[c] = p(t4) * p(t[5 + c])
 * </pre>
 * Locations are level by level, then anchor, then row-major cells (the [N, A, H, W] order).
 *
 * @param levels the output levels in pyramid order, at least one
 * @param layout layout of every level output; default {@code CHANNELS_FIRST}
 * @param formula {@code V5} (default) or {@code V3}
 * @param batchAxis axis 0 of every output is the batch; default true (false: [A*(5+C), H, W] or
 *     [A, H, W, 5+C])
 * @param decoded the graph already applied the sigmoids; default false (raw convolution outputs)
 */
public record AnchorYoloHead(List<Level> levels, TensorLayout layout, Formula formula, boolean batchAxis,
        boolean decoded) implements Head {

    /** Box parametrisation. */
    public enum Formula {
        /** YOLOv3: {@code sigmoid(t) + grid}, {@code exp(t) * anchor}. */
        V3,
        /** YOLOv5: {@code 2 sigmoid(t) - 0.5 + grid}, {@code (2 sigmoid(t))^2 * anchor}. */
        V5
    }

    /** An anchor size in network-input pixels. */
    public record Anchor(double width, double height) {
        public Anchor {
            check(width > 0 && height > 0 && Double.isFinite(width) && Double.isFinite(height), "anchors",
                    "sizes must be positive, got " + width + " x " + height);
        }
    }

    /**
     * One pyramid level.
     *
     * @param output its output name
     * @param stride its stride in input pixels
     * @param anchors its anchors, at least one; in files a flat list w0, h0, w1, h1, ...
     */
    public record Level(String output, int stride, List<Anchor> anchors) {
        public Level {
            check(output != null && !output.isBlank(), "output", "must name a model output");
            check(stride >= 1, "stride", "must be a positive integer, got " + stride);
            check(anchors != null && !anchors.isEmpty(), "anchors", "needs at least one anchor");
            anchors = List.copyOf(anchors);
        }
    }

    public AnchorYoloHead {
        check(levels != null && !levels.isEmpty(), "levels", "needs at least one level");
        check(layout != null, "layout", "is required");
        check(formula != null, "formula", "is required");
        levels = List.copyOf(levels);
    }

    /** A head whose outputs have a batch axis. */
    public AnchorYoloHead(List<Level> levels, TensorLayout layout, Formula formula, boolean decoded) {
        this(levels, layout, formula, true, decoded);
    }

    private int sampleRows(Level level, int inputWidth, int inputHeight) {
        return batchAxis ? 0 : level.anchors().size() * Grid.levelPoints(level.stride(), inputWidth, inputHeight);
    }

    @Override
    public HeatmapRecipe heatmap(int numClasses, int inputWidth, int inputHeight) {
        Activation a = Activations.of(decoded, Activation.SIGMOID);
        List<Part> parts = new ArrayList<>();
        for (Level level : levels) {
            parts.add(new Part(level.output(), layout, level.anchors().size(), Term.of(5, numClasses, a),
                    Term.of(4, 1, a), sampleRows(level, inputWidth, inputHeight)));
        }
        return new HeatmapRecipe(numClasses, parts);
    }

    @Override
    public LocationBoxes boxes(Map<String, FloatTensor> outputs, int numClasses, int inputWidth, int inputHeight) {
        int count = levels.size();
        TensorView[] views = new TensorView[count];
        int[] start = new int[count + 1];
        int[] gridW = new int[count];
        List<UserError> problems = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            try {
                views[i] = levelView(outputs, levels.get(i), numClasses, inputWidth, inputHeight);
            } catch (UserError e) {
                problems.add(e);
            }
        }
        TensorView.throwAll(problems);
        for (int i = 0; i < count; i++) {
            gridW[i] = views[i].gridWidth();
            start[i + 1] = start[i] + views[i].locations;
        }
        return new LocationBoxes(start[count], (n, l, b) -> {
            int lv = 0;
            while (l >= start[lv + 1]) {
                lv++;
            }
            TensorView v = views[lv];
            Level level = levels.get(lv);
            int local = l - start[lv];
            int a = local / v.spatial;
            int cell = local - a * v.spatial;
            int col = cell % gridW[lv];
            int row = cell / gridW[lv];
            Anchor anchor = level.anchors().get(a);
            int i = v.index(n, 0, local);
            int step = v.channelStride();
            anchorBox(b, formula, decoded, v.data[i], v.data[i + step], v.data[i + 2 * step], v.data[i + 3 * step],
                    col, row, level.stride(), anchor);
        });
    }

    private TensorView levelView(Map<String, FloatTensor> outputs, Level level, int numClasses, int inputWidth,
            int inputHeight) {
        TensorView v = TensorView.of(outputs, level.output(), layout, level.anchors().size(),
                sampleRows(level, inputWidth, inputHeight));
        v.requireChannels(5 + numClasses, "4 box values, objectness, " + numClasses + " classes per anchor");
        int rank = layout == TensorLayout.CHANNELS_FIRST ? 3 : 4;
        if (v.sampleRank() != rank) {
            String n = batchAxis ? "N, " : "";
            throw v.mismatch(layout == TensorLayout.CHANNELS_FIRST ? "expected [" + n + "A*(5+C), H, W]"
                    : "expected [" + n + "A, H, W, 5+C]");
        }
        return v;
    }

    /**
     * Writes the box of raw values (tx, ty, tw, th) of an anchor at cell (col, row) of a level with stride
     * {@code s}, per the formula (see the class comment).
     */
    static void anchorBox(double[] b, Formula formula, boolean decoded, float tx, float ty, float tw, float th,
            int col, int row, double s, Anchor anchor) {
        double px = Activations.probability(decoded, tx);
        double py = Activations.probability(decoded, ty);
        if (formula == Formula.V5) {
            double pw = 2 * Activations.probability(decoded, tw);
            double ph = 2 * Activations.probability(decoded, th);
            LocationBoxes.centerSize(b, (2 * px - 0.5 + col) * s, (2 * py - 0.5 + row) * s,
                    pw * pw * anchor.width(), ph * ph * anchor.height());
        } else {
            LocationBoxes.centerSize(b, (px + col) * s, (py + row) * s,
                    Math.exp(tw) * anchor.width(), Math.exp(th) * anchor.height());
        }
    }

    @Override
    public List<String> outputNames() {
        return levels.stream().map(Level::output).toList();
    }
}
