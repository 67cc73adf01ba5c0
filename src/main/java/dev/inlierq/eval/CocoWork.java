package dev.inlierq.eval;

import java.util.Arrays;

import static dev.inlierq.eval.CocoParams.A;
import static dev.inlierq.eval.CocoParams.MAX_DET;
import static dev.inlierq.eval.CocoParams.T;

/**
 * Reusable work arrays of one evaluation, grown on demand: per (image, category) cell for matching
 * ({@link CocoMatcher}), and per category for accumulation ({@link CocoAccumulator}) and for
 * {@link ImageBootstrap} (which image each kept detection and each cell's ground truth belong to).
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
    // per-category matching record for ImageBootstrap: each kept detection's image index, and per cell with
    // ground truth its image index and non-ignored count for the area range "all"
    int[] detImg = new int[256];
    int cells;
    int[] cellImg = new int[64];
    int[] cellGt = new int[64];

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
            detImg = new int[capacity];
        }
    }

    /** Records a cell of the current category: its image index and non-ignored ground truth (area "all"). */
    void addCell(int img, int nonIgnored) {
        if (cells == cellImg.length) {
            cellImg = Arrays.copyOf(cellImg, 2 * cells);
            cellGt = Arrays.copyOf(cellGt, 2 * cells);
        }
        cellImg[cells] = img;
        cellGt[cells] = nonIgnored;
        cells++;
    }
}
