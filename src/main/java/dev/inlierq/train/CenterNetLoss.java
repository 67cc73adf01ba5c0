package dev.inlierq.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.engine.Scalars;
import java.util.Objects;

/**
 * CenterNet's training loss (Zhou et al., "Objects as Points", 2019, eq. 1 to 3), differentiable in DJL:
 * <pre>
 *   L_k   = -1/P sum_cells { (1 - p)^alpha log p                    where Y = 1
 *                          { (1 - Y)^beta p^alpha log(1 - p)        elsewhere      alpha 2, beta 4
 *   L_size = 1/(2K) sum_{centres} |s - s*|        L_off = 1/(2K) sum_{centres} |o - o*|
 *   L = L_k + 0.1 L_size + L_off
 * </pre>
 * with p the sigmoid of the heatmap logits clamped to [1e-4, 1 - 1e-4] (as CenterNet's {@code _sigmoid}), P the
 * number of heatmap peaks (at least 1), K the number of object centres; the L1 sums run over both coordinates
 * (CenterNet's {@code RegL1Loss}, whose mask counts each centre twice). Scalars are {@link Scalars} arrays, never
 * DJL's {@code Number} overloads (see that class).
 *
 * <p>With TTFNet's box loss ({@link #withGiou}) the two L1 terms give way to {@code boxWeight x L_box}, the dense
 * GIoU loss of {@link GiouLoss}: {@code L = L_k + 5 L_box} in TTFNet.
 *
 * <p>A detector with a heading output adds ({@link #withYaw}) CenterPoint's rotation term (Yin, Zhou and
 * Krähenbühl, "Center-based 3D Object Detection and Tracking", CVPR 2021): an L1 on the (sin yaw, cos yaw) pair at
 * the centres with a heading, {@code L_yaw = 1/(2K') sum_{centres with a heading} |r - r*|} (K' those centres), and
 * {@code L += 0.5 L_yaw}. CenterPoint sums the L1 of its box channels (sin and cos among them) per object and weighs
 * the sum by 0.25; per object, over our mean of the two channels, that is 0.5 ({@link #YAW_WEIGHT}).
 *
 * <p>A detector with 3D outputs adds ({@link #withBox3d}) CenterPoint's {@code dim} and {@code height} terms the same
 * way: an L1 on the three log sizes at the centres with a 3D box, {@code L_dim = 1/(3K'') sum |d - d*|}, and one on
 * the centre height, {@code L_z = 1/K'' sum |z - z*|} (K'' those centres), with {@code L += 0.75 L_dim + 0.25 L_z}.
 * CenterPoint's default weighs every box channel's per-object L1 by 0.25 (its {@code code_weights} 1 for these
 * channels, {@code weight} 0.25): over our mean of the three dim channels that is 0.75 ({@link #DIM_WEIGHT}), on the
 * single z channel 0.25 ({@link #Z_WEIGHT}).
 */
public final class CenterNetLoss {
    /** Weight of the size term. */
    public static final float SIZE_WEIGHT = 0.1f;
    /** Weight of the heading term (CenterPoint's 0.25 on the sum of the sin and cos L1s, here on their mean). */
    public static final float YAW_WEIGHT = 0.5f;
    /** Weight of the log-size term (CenterPoint's 0.25 on the sum of the three dim L1s, here on their mean). */
    public static final float DIM_WEIGHT = 0.75f;
    /** Weight of the centre height term (CenterPoint's 0.25 on its one channel). */
    public static final float Z_WEIGHT = 0.25f;
    private static final float CLAMP = 1e-4f;

    private CenterNetLoss() {
    }

    /**
     * The loss and its terms; the arrays belong to the manager given to {@link #compute}.
     *
     * @param total the weighted sum to differentiate
     * @param focal the heatmap term L_k
     * @param size the size term (unweighted), or null with the GIoU loss
     * @param offset the offset term, or null with the GIoU loss
     * @param box the GIoU term (unweighted), or null with CenterNet's loss
     * @param yaw the heading term (unweighted), or null without a heading output
     * @param dim the log-size term (unweighted), or null without 3D outputs
     * @param z the centre height term (unweighted), or null without 3D outputs
     */
    public record Terms(NDArray total, NDArray focal, NDArray size, NDArray offset, NDArray box, NDArray yaw,
            NDArray dim, NDArray z) {
        /** The terms of a loss without a heading term. */
        public Terms(NDArray total, NDArray focal, NDArray size, NDArray offset, NDArray box) {
            this(total, focal, size, offset, box, null, null, null);
        }

        /** The values of total, focal, size, offset, box, yaw, dim and z, 0 for a term the loss does not have. */
        public double[] values() {
            NDArray[] all = {total, focal, size, offset, box, yaw, dim, z};
            double[] v = new double[all.length];
            for (int i = 0; i < all.length; i++) {
                v[i] = all[i] == null ? 0 : all[i].getFloat();
            }
            return v;
        }
    }

    /** The loss of one batch's outputs against its targets. */
    public static Terms compute(NDManager m, NDArray heatmap, NDArray size, NDArray offset, Targets t) {
        NDArray focal = focal(m, heatmap, t);
        NDArray l1Size = regression(m, size, t.size(), t);
        NDArray l1Off = regression(m, offset, t.offset(), t);
        NDArray weighted = Scalars.mul(l1Size, SIZE_WEIGHT);
        NDArray sum = focal.add(weighted);
        NDArray total = sum.add(l1Off);
        weighted.close();
        sum.close();
        return new Terms(total, focal, l1Size, l1Off, null);
    }

    /** The focal loss plus {@code boxWeight} times TTFNet's dense GIoU loss against {@code boxes}. */
    public static Terms withGiou(NDManager m, NDArray heatmap, NDArray size, NDArray offset, Targets t,
            BoxTargets boxes, float boxWeight) {
        NDArray focal = focal(m, heatmap, t);
        NDArray box = GiouLoss.compute(m, offset, size, boxes);
        NDArray weighted = Scalars.mul(box, boxWeight);
        NDArray total = focal.add(weighted);
        weighted.close();
        return new Terms(total, focal, null, null, box);
    }

    /**
     * The same loss plus {@link #YAW_WEIGHT} times the L1 of the heading output {@code yaw} [N, 2, H, W] against
     * the heading targets ({@link Targets#heading()}, which must be there).
     */
    public static Terms withYaw(NDManager m, Terms terms, NDArray yaw, Targets t) {
        Targets.Heading h = Objects.requireNonNull(t.heading(), "the targets have no headings");
        NDArray l1 = regression(m, yaw, h.sinCos(), 2, h.mask(), h.objects(), t);
        NDArray weighted = Scalars.mul(l1, YAW_WEIGHT);
        NDArray total = terms.total().add(weighted);
        weighted.close();
        return new Terms(total, terms.focal(), terms.size(), terms.offset(), terms.box(), l1, terms.dim(),
                terms.z());
    }

    /**
     * The same loss plus {@link #DIM_WEIGHT} times the L1 of the log-size output {@code dim} [N, 3, H, W] and
     * {@link #Z_WEIGHT} times the L1 of the centre height output {@code z} [N, 1, H, W] against the 3D box targets
     * ({@link Targets#cuboid()}, which must be there).
     */
    public static Terms withBox3d(NDManager m, Terms terms, NDArray dim, NDArray z, Targets t) {
        Targets.Cuboid c = Objects.requireNonNull(t.cuboid(), "the targets have no 3D boxes");
        NDArray l1Dim = regression(m, dim, c.logDims(), 3, c.mask(), c.objects(), t);
        NDArray l1Z = regression(m, z, c.z(), 1, c.mask(), c.objects(), t);
        NDArray wDim = Scalars.mul(l1Dim, DIM_WEIGHT);
        NDArray wZ = Scalars.mul(l1Z, Z_WEIGHT);
        NDArray sum = terms.total().add(wDim);
        NDArray total = sum.add(wZ);
        wDim.close();
        wZ.close();
        sum.close();
        return new Terms(total, terms.focal(), terms.size(), terms.offset(), terms.box(), terms.yaw(), l1Dim, l1Z);
    }

    /** The penalty-reduced focal loss of the heatmap logits. */
    public static NDArray focal(NDManager m, NDArray logits, Targets t) {
        Shape shape = new Shape(t.batch(), t.classes(), t.side(), t.side());
        try (NDManager s = m.newSubManager()) {
            NDArray pos = DjlRuntime.create(s, t.posMask(), shape);
            NDArray neg = DjlRuntime.create(s, t.negWeight(), shape);
            NDArray sig = logits.getNDArrayInternal().sigmoid();
            sig.attach(s);
            NDArray lo = Scalars.maximum(sig, CLAMP);
            lo.attach(s);
            NDArray p = Scalars.minimum(lo, 1 - CLAMP);
            p.attach(s);
            NDArray q = Scalars.rsub(1f, p);
            q.attach(s);
            NDArray posTerm = attach(s, p.log().mul(q.square()).mul(pos).sum());
            NDArray negTerm = attach(s, q.log().mul(p.square()).mul(neg).sum());
            NDArray both = attach(s, posTerm.add(negTerm));
            NDArray r = Scalars.mul(both, -1f / Math.max(1, t.peaks()));
            r.attach(m);
            return r;
        }
    }

    /** {@code sum(|pred - target| * mask) / (2K + 1e-4)} over the centre cells. */
    static NDArray regression(NDManager m, NDArray pred, float[] target, Targets t) {
        return regression(m, pred, target, 2, t.mask(), t.objects(), t);
    }

    /**
     * {@code sum(|pred - target| * mask) / (C K + 1e-4)} over the cells of {@code cellMask}, K of them, for a
     * prediction of C {@code channels}.
     */
    private static NDArray regression(NDManager m, NDArray pred, float[] target, int channels, float[] cellMask,
            int cells, Targets t) {
        try (NDManager s = m.newSubManager()) {
            NDArray tgt = DjlRuntime.create(s, target, new Shape(t.batch(), channels, t.side(), t.side()));
            NDArray mask = DjlRuntime.create(s, cellMask, new Shape(t.batch(), 1, t.side(), t.side()));
            NDArray diff = attach(s, pred.sub(tgt));
            NDArray err = attach(s, diff.abs().mul(mask).sum());
            NDArray r = Scalars.div(err, (float) channels * cells + 1e-4f);
            r.attach(m);
            return r;
        }
    }

    private static NDArray attach(NDManager s, NDArray a) {
        a.attach(s);
        return a;
    }
}
