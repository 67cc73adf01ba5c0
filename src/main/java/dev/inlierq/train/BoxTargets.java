package dev.inlierq.train;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * TTFNet's dense box-regression targets for a batch (Liu et al., "Training-Time-Friendly Network for Real-Time
 * Object Detection", AAAI 2020, sec. 3.3), at output stride {@link Architecture#STRIDE}. For an object whose
 * centre falls in cell {@code (ix, iy) = floor(p)}, {@code p = centre / stride}, of {@code w x h} cells and area A
 * input pixels, every cell (col, row) of its region, the truncated elliptical Gaussian G of
 * {@link EllipticalGaussian} with beta 0.54 around (ix, iy), gets
 * <ul>
 *   <li>the object's box relative to the cell, in cells: {@code x1 = px - col - w/2}, {@code y1 = py - row - h/2},
 *       {@code x2 = px - col + w/2}, {@code y2 = py - row + h/2} (the box the {@code centernet} decoder reads from
 *       offset {@code p - (col, row)} and size {@code (w, h)} at that cell);</li>
 *   <li>the weight {@code G(col, row) * log(A) / sum_region G}, so that each object's weights sum to log A
 *       (larger objects weigh more, but only logarithmically).</li>
 * </ul>
 * Objects are drawn in descending area, so where regions overlap the smaller object's target and weight win.
 * Arrays are row-major: {@code box} [N, 4, H, W] (x1, y1, x2, y2), {@code weight} [N, 1, H, W] (0 off every
 * region). An object whose centre falls outside the output or whose box is empty is skipped, as in
 * {@link Targets}; A is taken as at least 2 pixels so that every object's weight is positive.
 *
 * @param batch samples
 * @param side output cells per side
 * @param box target box per cell
 * @param weight regression weight per cell
 */
public record BoxTargets(int batch, int side, float[] box, float[] weight) {
    /** Least area (input pixels) whose logarithm weights an object. */
    static final double MIN_AREA = 2;

    /** Targets of {@code boxes.get(n)} (input pixels) for each sample n. */
    public static BoxTargets of(List<List<TrainBox>> boxes, int inputSize) {
        int side = inputSize / Architecture.STRIDE;
        int n = boxes.size();
        int plane = side * side;
        float[] box = new float[n * 4 * plane];
        float[] weight = new float[n * plane];
        for (int b = 0; b < n; b++) {
            List<TrainBox> byArea = new ArrayList<>(boxes.get(b));
            byArea.sort(Comparator.comparingDouble((TrainBox t) -> t.w() * t.h()).reversed());
            for (TrainBox t : byArea) {
                draw(t, side, box, weight, b * 4 * plane, b * plane);
            }
        }
        return new BoxTargets(n, side, box, weight);
    }

    /** Writes one object's region into sample planes starting at {@code boxBase} and {@code weightBase}. */
    private static void draw(TrainBox t, int side, float[] box, float[] weight, int boxBase, int weightBase) {
        double s = Architecture.STRIDE;
        double px = t.cx() / s;
        double py = t.cy() / s;
        int ix = (int) Math.floor(px);
        int iy = (int) Math.floor(py);
        if (ix < 0 || iy < 0 || ix >= side || iy >= side || t.w() <= 0 || t.h() <= 0) {
            return;
        }
        double w = t.w() / s;
        double h = t.h() / s;
        EllipticalGaussian g = EllipticalGaussian.of(w, h, EllipticalGaussian.TTF_FACTOR);
        int x0 = Math.max(0, ix - g.radiusX());
        int x1 = Math.min(side - 1, ix + g.radiusX());
        int y0 = Math.max(0, iy - g.radiusY());
        int y1 = Math.min(side - 1, iy + g.radiusY());
        double sum = 0;
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                sum += g.at(x - ix, y - iy);
            }
        }
        double scale = Math.log(Math.max(MIN_AREA, t.w() * t.h())) / sum;
        int plane = side * side;
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                int cell = y * side + x;
                weight[weightBase + cell] = (float) (g.at(x - ix, y - iy) * scale);
                box[boxBase + cell] = (float) (px - x - w / 2);
                box[boxBase + plane + cell] = (float) (py - y - h / 2);
                box[boxBase + 2 * plane + cell] = (float) (px - x + w / 2);
                box[boxBase + 3 * plane + cell] = (float) (py - y + h / 2);
            }
        }
    }

    /** Sum of all weights (the loss's normaliser). */
    public double weightSum() {
        double s = 0;
        for (float v : weight) {
            s += v;
        }
        return s;
    }
}
