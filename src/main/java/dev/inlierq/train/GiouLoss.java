package dev.inlierq.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.engine.Scalars;

/**
 * TTFNet's dense box loss (Liu et al., "Training-Time-Friendly Network for Real-Time Object Detection", AAAI 2020,
 * eq. 4): the generalised IoU loss (Rezatofighi et al., "Generalized Intersection over Union", CVPR 2019) between
 * the box predicted at each weighted cell and its target ({@link BoxTargets}), differentiable in DJL:
 * <pre>
 *   I = max(0, min(px2, tx2) - max(px1, tx1)) * max(0, min(py2, ty2) - max(py1, ty1))
 *   U = |P| + |T| - I + eps          C = (max(px2, tx2) - min(px1, tx1)) * (max(py2, ty2) - min(py1, ty1)) + eps
 *   GIoU = I / U - (C - U) / C       L_box = sum_cells w * (1 - GIoU) / (sum_cells w + 1e-4)
 * </pre>
 * The predicted box at a cell is the one the {@code centernet} decoder reads there, in cells relative to the
 * cell's corner: {@code px1 = off_x - s_w / 2}, {@code px2 = off_x + s_w / 2} (likewise in y); GIoU is invariant
 * to translation and scale, so cells relative to each cell's corner give the value of input pixels. 1 - GIoU lies
 * in [0, 2]: 0 for identical boxes, above 1 for disjoint ones, growing with their distance, so even a box that
 * misses its target has a gradient. Channels are taken apart with {@code split} along axis 1 and every scalar goes
 * through {@link Scalars} (see that class).
 */
public final class GiouLoss {
    /** Guards the divisions by the union and the enclosing box (cells squared). */
    static final float EPS = 1e-6f;
    /** Guards the division by the total weight (TTFNet's average factor). */
    static final float WEIGHT_EPS = 1e-4f;

    private GiouLoss() {
    }

    /** The weighted mean of {@code 1 - GIoU} over the cells of {@code t} (unweighted by the loss weight). */
    public static NDArray compute(NDManager m, NDArray offset, NDArray size, BoxTargets t) {
        try (NDManager s = m.newSubManager()) {
            NDArray[] pred = predicted(s, offset, size);
            NDArray target = DjlRuntime.create(s, t.box(), new Shape(t.batch(), 4, t.side(), t.side()));
            NDArray[] tgt = channels(s, target, 4);
            NDArray w = DjlRuntime.create(s, t.weight(), new Shape(t.batch(), 1, t.side(), t.side()));
            NDArray giou = giou(s, pred, tgt);
            NDArray miss = keep(s, Scalars.rsub(1f, giou));
            NDArray sum = keep(s, miss.mul(w).sum());
            NDArray r = Scalars.div(sum, (float) t.weightSum() + WEIGHT_EPS);
            r.attach(m);
            return r;
        }
    }

    /**
     * Element-wise GIoU of boxes {@code p} and {@code t}, each given as four arrays x1, y1, x2, y2 of one shape
     * (boxes with x2 >= x1, y2 >= y1); the result belongs to {@code s}.
     */
    static NDArray giou(NDManager s, NDArray[] p, NDArray[] t) {
        NDArray iw = keep(s, Scalars.maximum(keep(s, keep(s, p[2].minimum(t[2])).sub(keep(s, p[0].maximum(t[0])))),
                0f));
        NDArray ih = keep(s, Scalars.maximum(keep(s, keep(s, p[3].minimum(t[3])).sub(keep(s, p[1].maximum(t[1])))),
                0f));
        NDArray inter = keep(s, iw.mul(ih));
        NDArray areaP = area(s, p);
        NDArray areaT = area(s, t);
        NDArray union = keep(s, Scalars.add(keep(s, keep(s, areaP.add(areaT)).sub(inter)), EPS));
        NDArray cw = keep(s, keep(s, p[2].maximum(t[2])).sub(keep(s, p[0].minimum(t[0]))));
        NDArray ch = keep(s, keep(s, p[3].maximum(t[3])).sub(keep(s, p[1].minimum(t[1]))));
        NDArray hull = keep(s, Scalars.add(keep(s, cw.mul(ch)), EPS));
        NDArray iou = keep(s, inter.div(union));
        NDArray empty = keep(s, keep(s, hull.sub(union)).div(hull));
        return keep(s, iou.sub(empty));
    }

    /** The decoder's box at each cell from offset [N, 2, H, W] and size [N, 2, H, W]: x1, y1, x2, y2 in cells. */
    private static NDArray[] predicted(NDManager s, NDArray offset, NDArray size) {
        NDArray[] o = channels(s, offset, 2);
        NDArray[] z = channels(s, size, 2);
        NDArray hw = keep(s, Scalars.mul(z[0], 0.5f));
        NDArray hh = keep(s, Scalars.mul(z[1], 0.5f));
        return new NDArray[] {keep(s, o[0].sub(hw)), keep(s, o[1].sub(hh)), keep(s, o[0].add(hw)),
            keep(s, o[1].add(hh))};
    }

    private static NDArray area(NDManager s, NDArray[] b) {
        return keep(s, keep(s, b[2].sub(b[0])).mul(keep(s, b[3].sub(b[1]))));
    }

    /** The {@code n} channels of {@code x} [N, n, H, W] as [N, 1, H, W] arrays belonging to {@code s}. */
    private static NDArray[] channels(NDManager s, NDArray x, int n) {
        NDList parts = x.split(n, 1);
        parts.attach(s);
        return parts.toArray(new NDArray[0]);
    }

    private static NDArray keep(NDManager s, NDArray a) {
        a.attach(s);
        return a;
    }
}
