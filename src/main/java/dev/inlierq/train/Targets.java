package dev.inlierq.train;

import java.util.List;

/**
 * CenterNet's training targets for a batch (Zhou et al., "Objects as Points", 2019, sec. 3), at output stride
 * {@link Architecture#STRIDE}: for an object of class c whose centre falls at {@code p = centre / stride},
 * <ul>
 *   <li>heatmap[c] gets a Gaussian {@code exp(-((x - px)^2 + (y - py)^2) / (2 sigma^2))} around the cell
 *       {@code floor(p)}, {@code sigma = (2r + 1) / 6} with r CenterNet's radius rule ({@link #radius}), merged
 *       by the element-wise maximum (its peak is exactly 1);</li>
 *   <li>at that cell: size = (w, h) / stride and offset = p - floor(p), with the cell marked in {@code mask}
 *       (a later object with the same centre cell replaces an earlier one).</li>
 * </ul>
 * With {@link LossOptions.Heatmap#TTF} the heatmap Gaussian is TTFNet's elliptical one instead
 * ({@link EllipticalGaussian}, alpha 0.54). Arrays are row-major [N, C, H, W], [N, 2, H, W], [N, 1, H, W].
 * {@code posMask} marks heatmap cells equal to 1 and {@code negWeight} holds {@code (1 - heatmap)^4} elsewhere
 * (0 on peaks): the two masks the focal loss reads.
 *
 * <p>With headings ({@link #of(List, int, int, LossOptions.Heatmap, boolean)}), {@link #heading()} holds
 * CenterPoint's rotation target (Yin, Zhou and Krähenbühl, "Center-based 3D Object Detection and Tracking", CVPR
 * 2021): {@code (sin yaw, cos yaw)} of the box's heading at the same centre cell as size and offset, marked in its
 * own mask; a box without a heading (NaN) leaves its cell without one (also when it replaces an earlier object's).
 *
 * <p>With 3D boxes ({@link Architecture.BoxHead#BOX3D}), {@link #cuboid()} holds CenterPoint's {@code dim} and
 * {@code height} targets at the same centre cell: {@code (ln length, ln width, ln height)} of the box's
 * {@link TrainBox#box3d()} (length and width in input pixels, height in metres) and its centre height {@code z} in
 * metres, marked in a third mask; a box without a complete 3D box ({@link TrainBox#hasBox3d()}) leaves its cell
 * without one, likewise.
 */
public record Targets(int batch, int classes, int side, float[] posMask, float[] negWeight, float[] size,
        float[] offset, float[] mask, int objects, Extras extras) {
    /**
     * The heading targets of a batch.
     *
     * @param sinCos (sin yaw, cos yaw) at each centre cell with a heading, [N, 2, H, W]
     * @param mask 1 at those cells, [N, 1, H, W]
     * @param objects the cells marked
     */
    public record Heading(float[] sinCos, float[] mask, int objects) {
    }

    /**
     * The 3D box targets of a batch.
     *
     * @param logDims (ln length, ln width, ln height) at each centre cell with a 3D box, [N, 3, H, W]
     * @param z the box centre's height in metres there, [N, 1, H, W]
     * @param mask 1 at those cells, [N, 1, H, W]
     * @param objects the cells marked
     */
    public record Cuboid(float[] logDims, float[] z, float[] mask, int objects) {
    }

    /**
     * The targets of the box trunk's outputs beyond size and offset.
     *
     * @param heading the heading targets, or null without a heading output
     * @param cuboid the 3D box targets, or null without 3D outputs
     */
    public record Extras(Heading heading, Cuboid cuboid) {
    }

    /** The heading targets, or null when the targets have none. */
    public Heading heading() {
        return extras == null ? null : extras.heading();
    }

    /** The 3D box targets, or null when the targets have none. */
    public Cuboid cuboid() {
        return extras == null ? null : extras.cuboid();
    }

    /** Least overlap CenterNet's radius keeps between a box and one shifted by the radius. */
    static final double MIN_OVERLAP = 0.7;

    /** Targets of {@code boxes.get(n)} (input pixels) for each sample n, with CenterNet's heatmap Gaussians. */
    public static Targets of(List<List<TrainBox>> boxes, int classes, int inputSize) {
        return of(boxes, classes, inputSize, LossOptions.Heatmap.CENTERNET);
    }

    /** Targets of {@code boxes.get(n)} (input pixels) for each sample n, heatmap Gaussians by {@code rule}. */
    public static Targets of(List<List<TrainBox>> boxes, int classes, int inputSize, LossOptions.Heatmap rule) {
        return of(boxes, classes, inputSize, rule, false);
    }

    /**
     * Targets of {@code boxes.get(n)} (input pixels) for each sample n, heatmap Gaussians by {@code rule}, with
     * heading targets when {@code headings} (else {@link #heading()} is null).
     */
    public static Targets of(List<List<TrainBox>> boxes, int classes, int inputSize, LossOptions.Heatmap rule,
            boolean headings) {
        return of(boxes, classes, inputSize, rule, headings ? Architecture.BoxHead.YAW : Architecture.BoxHead.HULL);
    }

    /**
     * Targets of {@code boxes.get(n)} (input pixels) for each sample n, heatmap Gaussians by {@code rule}, with the
     * targets of the box outputs {@code head} names beyond size and offset ({@link #heading()} and
     * {@link #cuboid()}, each null when {@code head} has no such output).
     */
    public static Targets of(List<List<TrainBox>> boxes, int classes, int inputSize, LossOptions.Heatmap rule,
            Architecture.BoxHead head) {
        int side = inputSize / Architecture.STRIDE;
        int n = boxes.size();
        int plane = side * side;
        float[] heat = new float[n * classes * plane];
        float[] size = new float[n * 2 * plane];
        float[] offset = new float[n * 2 * plane];
        float[] mask = new float[n * plane];
        ExtraWriter extra = new ExtraWriter(head, n, plane);
        int objects = 0;
        double s = Architecture.STRIDE;
        for (int b = 0; b < n; b++) {
            for (TrainBox box : boxes.get(b)) {
                double px = box.cx() / s;
                double py = box.cy() / s;
                int ix = (int) Math.floor(px);
                int iy = (int) Math.floor(py);
                if (ix < 0 || iy < 0 || ix >= side || iy >= side || box.w() <= 0 || box.h() <= 0) {
                    continue;
                }
                double w = box.w() / s;
                double h = box.h() / s;
                int base = (b * classes + box.cls()) * plane;
                if (rule == LossOptions.Heatmap.TTF) {
                    EllipticalGaussian.of(w, h, EllipticalGaussian.TTF_FACTOR).drawMax(heat, base, side, ix, iy);
                } else {
                    int r = Math.max(0, (int) radius(Math.ceil(h), Math.ceil(w)));
                    drawGaussian(heat, base, side, ix, iy, r);
                }
                int cell = iy * side + ix;
                size[(b * 2) * plane + cell] = (float) w;
                size[(b * 2 + 1) * plane + cell] = (float) h;
                offset[(b * 2) * plane + cell] = (float) (px - ix);
                offset[(b * 2 + 1) * plane + cell] = (float) (py - iy);
                if (mask[b * plane + cell] == 0) {
                    objects++;
                }
                mask[b * plane + cell] = 1;
                extra.put(b, cell, box);
            }
        }
        float[] pos = new float[heat.length];
        float[] neg = new float[heat.length];
        for (int i = 0; i < heat.length; i++) {
            if (heat[i] == 1f) {
                pos[i] = 1;
            } else {
                double q = 1 - heat[i];
                neg[i] = (float) (q * q * q * q);
            }
        }
        return new Targets(n, classes, side, pos, neg, size, offset, mask, objects, extra.extras());
    }

    /** Number of heatmap peaks (cells equal to 1), the focal loss's normaliser. */
    public int peaks() {
        return count(posMask);
    }

    private static int count(float[] mask) {
        int p = 0;
        for (float v : mask) {
            p += v > 0 ? 1 : 0;
        }
        return p;
    }

    /** Writes the heading and 3D box targets of each centre cell, a later box replacing an earlier one. */
    private static final class ExtraWriter {
        private final int plane;
        private final float[] sinCos;
        private final float[] headingMask;
        private final float[] logDims;
        private final float[] z;
        private final float[] cuboidMask;

        ExtraWriter(Architecture.BoxHead head, int n, int plane) {
            this.plane = plane;
            boolean headings = head != Architecture.BoxHead.HULL;
            boolean box3d = head == Architecture.BoxHead.BOX3D;
            sinCos = headings ? new float[n * 2 * plane] : null;
            headingMask = headings ? new float[n * plane] : null;
            logDims = box3d ? new float[n * 3 * plane] : null;
            z = box3d ? new float[n * plane] : null;
            cuboidMask = box3d ? new float[n * plane] : null;
        }

        void put(int b, int cell, TrainBox box) {
            if (sinCos != null) {
                boolean has = box.hasYaw();
                sinCos[(b * 2) * plane + cell] = has ? (float) Math.sin(box.yaw()) : 0;
                sinCos[(b * 2 + 1) * plane + cell] = has ? (float) Math.cos(box.yaw()) : 0;
                headingMask[b * plane + cell] = has ? 1 : 0;
            }
            if (logDims != null) {
                boolean has = box.hasBox3d();
                logDims[(b * 3) * plane + cell] = has ? (float) Math.log(box.box3d().length()) : 0;
                logDims[(b * 3 + 1) * plane + cell] = has ? (float) Math.log(box.box3d().width()) : 0;
                logDims[(b * 3 + 2) * plane + cell] = has ? (float) Math.log(box.box3d().height()) : 0;
                z[b * plane + cell] = has ? (float) box.box3d().z() : 0;
                cuboidMask[b * plane + cell] = has ? 1 : 0;
            }
        }

        Extras extras() {
            Heading heading = sinCos == null ? null : new Heading(sinCos, headingMask, count(headingMask));
            Cuboid cuboid = logDims == null ? null : new Cuboid(logDims, z, cuboidMask, count(cuboidMask));
            return heading == null && cuboid == null ? null : new Extras(heading, cuboid);
        }
    }

    /**
     * CenterNet's {@code gaussian_radius(det_size, min_overlap=0.7)} as its reference code computes it: the least
     * of the roots of three quadratics (both corners inside, both outside, one of each), for a box of
     * {@code height x width} output cells.
     */
    static double radius(double height, double width) {
        double b1 = height + width;
        double c1 = width * height * (1 - MIN_OVERLAP) / (1 + MIN_OVERLAP);
        double r1 = (b1 + Math.sqrt(b1 * b1 - 4 * c1)) / 2;
        double b2 = 2 * (height + width);
        double c2 = (1 - MIN_OVERLAP) * width * height;
        double r2 = (b2 + Math.sqrt(b2 * b2 - 16 * c2)) / 2;
        double a3 = 4 * MIN_OVERLAP;
        double b3 = -2 * MIN_OVERLAP * (height + width);
        double c3 = (MIN_OVERLAP - 1) * width * height;
        double r3 = (b3 + Math.sqrt(b3 * b3 - 4 * a3 * c3)) / 2;
        return Math.min(r1, Math.min(r2, r3));
    }

    /** CenterNet's {@code draw_umich_gaussian}: a (2r+1)^2 Gaussian, sigma (2r+1)/6, max-merged at (cx, cy). */
    static void drawGaussian(float[] heat, int base, int side, int cx, int cy, int r) {
        double sigma = (2 * r + 1) / 6.0;
        for (int y = Math.max(0, cy - r); y <= Math.min(side - 1, cy + r); y++) {
            for (int x = Math.max(0, cx - r); x <= Math.min(side - 1, cx + r); x++) {
                int dx = x - cx;
                int dy = y - cy;
                float g = (float) Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
                int i = base + y * side + x;
                if (g > heat[i]) {
                    heat[i] = g;
                }
            }
        }
    }
}
