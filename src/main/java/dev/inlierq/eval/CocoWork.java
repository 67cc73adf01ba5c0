package dev.inlierq.eval;

import static dev.inlierq.eval.CocoParams.A;
import static dev.inlierq.eval.CocoParams.MAX_DET;
import static dev.inlierq.eval.CocoParams.T;

/**
 * Reusable work arrays of one evaluation, grown on demand: per (image, category) cell for matching
 * ({@link CocoMatcher}), and per category for accumulation ({@link CocoAccumulator}).
 */
final class CocoWork {
    int[] cellDets = new int[128];
    int[] sortTmp = new int[128];
    double[] iou = new double[1024];
    boolean[] gtIgnore = new boolean[64];
    int[] gtPerm = new int[64];
    boolean[] gtMatched = new boolean[64];
    // per-category accumulation
    double[] scores = new double[256];
    int[] rank = new int[256];
    byte[] state = new byte[256 * A * T];
    int[] sel = new int[256];
    int[] selTmp = new int[256];
    double[] rc = new double[256];
    double[] pr = new double[256];

    void ensureCell(int g, int d) {
        if (cellDets.length < d) {
            cellDets = new int[d];
            sortTmp = new int[d];
        }
        int dCut = Math.min(d, MAX_DET);
        if (iou.length < dCut * g) {
            iou = new double[dCut * g];
        }
        if (gtIgnore.length < g) {
            gtIgnore = new boolean[g];
            gtPerm = new int[g];
            gtMatched = new boolean[g];
        }
    }

    void ensureCategory(int capacity) {
        if (scores.length < capacity) {
            scores = new double[capacity];
            rank = new int[capacity];
            state = new byte[capacity * A * T];
            sel = new int[capacity];
            selTmp = new int[capacity];
            rc = new double[capacity];
            pr = new double[capacity];
        }
    }
}
