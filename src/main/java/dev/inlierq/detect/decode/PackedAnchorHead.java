package dev.inlierq.detect.decode;

import static dev.inlierq.detect.InvalidSpecException.check;

import dev.inlierq.detect.decode.AnchorYoloHead.Anchor;
import dev.inlierq.detect.decode.AnchorYoloHead.Formula;
import dev.inlierq.detect.decode.HeatmapRecipe.Activation;
import dev.inlierq.detect.decode.HeatmapRecipe.Part;
import dev.inlierq.detect.decode.HeatmapRecipe.Term;
import dev.inlierq.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An anchor YOLO head whose levels and anchors are packed into one output (family {@code anchor_yolo}
 * with a {@code layout} mapping of column groups). The output is [N, R, K] (or [N*R, K] without a batch
 * axis): one row per grid cell, the cells of every level one level after the other, each row-major; the
 * columns hold, for A anchors, {@code box + 4a .. box + 4a + 3} = tx, ty, tw, th of anchor a,
 * {@code objectness + a} = its objectness, and {@code classes .. classes + C - 1} the class values shared
 * by all anchors of the cell. Example: [605, 95] = 22x22 + 11x11 cells; box 0..11, objectness 12..14,
 * classes 15..94. Boxes follow {@link AnchorYoloHead}'s formula with the level's stride and anchor a;
 * {@code score[c] = p(objectness_a) * p(class_c)}. Locations are anchor-major: {@code l = a * R + row}.
 *
 * @param output the packed output
 * @param columns where the column groups start
 * @param levels the level grids in row order, each with its stride and A anchors (all levels the same A)
 * @param formula {@code V5} (default) or {@code V3}
 * @param batchAxis axis 0 of the output is the batch; default true
 * @param decoded the graph already applied the sigmoids; default false
 */
public record PackedAnchorHead(String output, Columns columns, List<Level> levels, Formula formula, boolean batchAxis,
        boolean decoded) implements Head {

    /**
     * The first column of each group (spec {@code layout: {box: 0, objectness: 12, classes: 15}}).
     *
     * @param box first of the 4*A box columns, anchor by anchor
     * @param objectness first of the A objectness columns
     * @param classes first of the C shared class columns
     */
    public record Columns(int box, int objectness, int classes) {
        public Columns {
            check(box >= 0, "box", "must be a non-negative column, got " + box);
            check(objectness >= 0, "objectness", "must be a non-negative column, got " + objectness);
            check(classes >= 0, "classes", "must be a non-negative column, got " + classes);
        }
    }

    /**
     * One level's grid.
     *
     * @param stride its stride in input pixels
     * @param anchors its anchors
     * @param width grid columns, or 0 for {@code ceil(inputWidth / stride)}
     * @param height grid rows, or 0 for {@code ceil(inputHeight / stride)}
     */
    public record Level(int stride, List<Anchor> anchors, int width, int height) {
        public Level {
            check(stride >= 1, "stride", "must be a positive integer, got " + stride);
            check(anchors != null && !anchors.isEmpty(), "anchors", "needs at least one anchor");
            check(width >= 0 && height >= 0 && (width == 0) == (height == 0), "size",
                    "must be two positive numbers (columns, rows), got " + width + ", " + height);
            anchors = List.copyOf(anchors);
        }

        int columns(int inputWidth) {
            return width > 0 ? width : (inputWidth + stride - 1) / stride;
        }

        int cells(int inputWidth, int inputHeight) {
            return columns(inputWidth) * (height > 0 ? height : (inputHeight + stride - 1) / stride);
        }
    }

    public PackedAnchorHead {
        check(output != null && !output.isBlank(), "output", "must name a model output");
        check(columns != null, "layout", "is required");
        check(levels != null && !levels.isEmpty(), "levels", "needs at least one level");
        check(formula != null, "formula", "is required");
        levels = List.copyOf(levels);
        for (int i = 1; i < levels.size(); i++) {
            check(levels.get(i).anchors().size() == levels.get(0).anchors().size(), "levels[" + i + "].anchors",
                    "every level needs the same number of anchors (one objectness column each), got "
                            + levels.get(i).anchors().size() + " and " + levels.get(0).anchors().size());
        }
    }

    private int anchors() {
        return levels.get(0).anchors().size();
    }

    private int rows(int inputWidth, int inputHeight) {
        return levels.stream().mapToInt(l -> l.cells(inputWidth, inputHeight)).sum();
    }

    @Override
    public HeatmapRecipe heatmap(int numClasses, int inputWidth, int inputHeight) {
        Activation act = Activations.of(decoded, Activation.SIGMOID);
        int sampleRows = batchAxis ? 0 : rows(inputWidth, inputHeight);
        List<Part> parts = new ArrayList<>();
        for (int a = 0; a < anchors(); a++) {
            parts.add(new Part(output, TensorLayout.CHANNELS_LAST, 1, Term.of(columns.classes(), numClasses, act),
                    Term.of(columns.objectness() + a, 1, act), sampleRows));
        }
        return new HeatmapRecipe(numClasses, parts);
    }

    @Override
    public LocationBoxes boxes(Map<String, FloatTensor> outputs, int numClasses, int inputWidth, int inputHeight) {
        int rows = rows(inputWidth, inputHeight);
        TensorView v = TensorView.of(outputs, output, TensorLayout.CHANNELS_LAST, 1, batchAxis ? 0 : rows);
        int a = anchors();
        v.requireAtLeastChannels(Math.max(columns.box() + 4 * a, Math.max(columns.objectness() + a,
                columns.classes() + numClasses)), a + " anchors' box and objectness columns, " + numClasses + " classes");
        v.requireLocations(rows, "the cells of " + levels.size() + " level grids on a " + inputWidth + "x"
                + inputHeight + " input");
        int[] start = new int[levels.size() + 1];
        for (int i = 0; i < levels.size(); i++) {
            start[i + 1] = start[i] + levels.get(i).cells(inputWidth, inputHeight);
        }
        return new LocationBoxes(a * rows, (n, l, b) -> {
            int anchor = l / rows;
            int row = l - anchor * rows;
            int lv = 0;
            while (row >= start[lv + 1]) {
                lv++;
            }
            Level level = levels.get(lv);
            int cell = row - start[lv];
            int w = level.columns(inputWidth);
            int i = v.index(n, columns.box() + 4 * anchor, row);
            AnchorYoloHead.anchorBox(b, formula, decoded, v.data[i], v.data[i + 1], v.data[i + 2], v.data[i + 3],
                    cell % w, cell / w, level.stride(), level.anchors().get(anchor));
        });
    }

    @Override
    public List<String> outputNames() {
        return List.of(output);
    }
}
