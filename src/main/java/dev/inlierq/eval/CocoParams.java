package dev.inlierq.eval;

/**
 * The fixed parameters of the COCO box evaluation (pycocotools' default {@code Params} for
 * {@code iouType='bbox'}) and the C-order layout of the precision and recall arrays that
 * {@link CocoAccumulator} fills and {@link CocoSummary} reads.
 */
final class CocoParams {
    static final double[] IOU_THRS = CocoNumerics.linspace(0.5, 0.95, 10);
    static final double[] REC_THRS = CocoNumerics.linspace(0.0, 1.0, 101);
    static final int[] MAX_DETS = {1, 10, 100};
    static final double[][] AREA_RNG = {{0, 1e10}, {0, 32 * 32}, {32 * 32, 96 * 96}, {96 * 96, 1e10}};
    static final double EPS = Math.ulp(1.0); // np.spacing(1)

    static final int T = IOU_THRS.length;
    static final int R = REC_THRS.length;
    static final int A = AREA_RNG.length;
    static final int M = MAX_DETS.length;
    static final int MAX_DET = MAX_DETS[M - 1];

    /** Per-threshold state of a kept detection. */
    static final byte IGNORED = 0;
    static final byte TP = 1;
    static final byte FP = 2;

    private CocoParams() {
    }

    /** Index of precision[t][r][k][a][m] (pycocotools' {@code eval['precision']} layout). */
    static int pIndex(int t, int r, int k, int a, int m, int nCat) {
        return (((t * R + r) * nCat + k) * A + a) * M + m;
    }

    /** Index of recall[t][k][a][m]. */
    static int rIndex(int t, int k, int a, int m, int nCat) {
        return ((t * nCat + k) * A + a) * M + m;
    }
}
