package dev.inlierq.detect.image;

/**
 * Resizes 8-bit 3-channel images exactly as OpenCV's {@code cv::resize} does on {@code CV_8UC3}
 * (OpenCV 4.x, generic C++/SIMD path; the IPP and platform HAL paths are not modelled), so that a
 * model sees the same input tensor here as in its Python reference pipeline.
 *
 * <h2>{@link Interpolation#LINEAR} ({@code INTER_LINEAR})</h2>
 * Separable, with tables computed once per call. For each destination column {@code dx}
 * (rows likewise), with {@code scale = 1 / (dstW / (double) srcW)}:
 * <pre>
 *   fx  = (float) ((dx + 0.5) * scale - 0.5)      half-pixel centres, computed in double, stored as float
 *   sx  = floor(fx);  fx = fx - sx                 (float)
 *   sx &lt; 0          : sx = 0,      fx = 0          (clamp at the left border)
 *   sx &gt;= srcW - 1  : sx = srcW-1, fx = 0          (clamp at the right border)
 *   a0  = rint((1f - fx) * 2048),  a1 = rint(fx * 2048)    11-bit weights (INTER_RESIZE_COEF_BITS)
 * </pre>
 * Rows use the same formula without the clamp of {@code fy}; instead the two source rows
 * {@code sy} and {@code sy + 1} are clamped to {@code [0, srcH - 1]}. The horizontal pass keeps
 * 32-bit sums {@code T = a0 * S[sx] + a1 * S[sx + 1]} (scale 2^11). The vertical pass is OpenCV's
 * specialised 8-bit path ({@code VResizeLinear<uchar, int, short, ...>} and its SIMD twin):
 * <pre>
 *   D = ( ((b0 * (T0 &gt;&gt; 4)) &gt;&gt; 16) + ((b1 * (T1 &gt;&gt; 4)) &gt;&gt; 16) + 2 ) &gt;&gt; 2
 * </pre>
 * which truncates each product before rounding. It can be 1 below the generic fixed-point cast
 * {@code (b0*T0 + b1*T1 + (1 << 21)) >> 22}: upscaling the row (10, 20) to four pixels gives the
 * exact value 12.5 at the second pixel, 12 here and 13 with the generic cast. This class reproduces
 * OpenCV's actual path.
 *
 * <p>Two shortcuts of {@code cv::resize} are reproduced as well: an unchanged size is a copy, and
 * a downscale by exactly 2 in both axes is OpenCV's {@code INTER_AREA} fast path,
 * {@code D = (S00 + S01 + S10 + S11 + 2) >> 2}.
 *
 * <h2>{@link Interpolation#NEAREST} ({@code INTER_NEAREST})</h2>
 * {@code sx = min(floor(dx * (1 / (dstW / (double) srcW))), srcW - 1)}, rows likewise.
 */
public final class Resize {
    /** OpenCV's INTER_RESIZE_COEF_BITS: the weights are fixed-point with 11 fractional bits. */
    static final int COEF_BITS = 11;
    static final int COEF_SCALE = 1 << COEF_BITS;

    private Resize() {
    }

    /** {@code src} resized to {@code dstWidth x dstHeight}; the result keeps {@code src}'s channel order. */
    public static ByteImage resize(ByteImage src, int dstWidth, int dstHeight, Interpolation interpolation) {
        if (dstWidth <= 0 || dstHeight <= 0) {
            throw new IllegalArgumentException("target size must be positive, got " + dstWidth + "x" + dstHeight);
        }
        if (dstWidth == src.width() && dstHeight == src.height()) {
            return new ByteImage(dstWidth, dstHeight, src.order(), src.pixels().clone());
        }
        return switch (interpolation) {
            case NEAREST -> nearest(src, dstWidth, dstHeight);
            case LINEAR -> isExactHalf(src.width(), dstWidth) && isExactHalf(src.height(), dstHeight)
                    ? halve(src, dstWidth, dstHeight)
                    : linear(src, dstWidth, dstHeight);
        };
    }

    /** OpenCV's test for its INTER_AREA shortcut: the scale is an integer (to DBL_EPSILON) equal to 2. */
    private static boolean isExactHalf(int srcSize, int dstSize) {
        double scale = 1.0 / ((double) dstSize / srcSize);
        long iscale = Math.round(scale);
        return iscale == 2 && Math.abs(scale - iscale) < Math.ulp(1.0);
    }

    /** Per-axis tables: source index and the two 11-bit weights of each destination index. */
    private record Taps(int[] index, int[] w0, int[] w1) {
    }

    /**
     * Column or row taps. With {@code clampWeights} (columns) an index outside the source is
     * clamped together with its fraction; without (rows) the raw floor is kept and the caller
     * clamps the two source rows, as OpenCV does.
     */
    private static Taps linearTaps(int srcSize, int dstSize, boolean clampWeights) {
        double scale = 1.0 / ((double) dstSize / srcSize);
        int[] index = new int[dstSize];
        int[] w0 = new int[dstSize];
        int[] w1 = new int[dstSize];
        for (int d = 0; d < dstSize; d++) {
            float f = (float) ((d + 0.5) * scale - 0.5);
            int s = (int) Math.floor(f);
            f -= s;
            if (clampWeights) {
                if (s < 0) {
                    s = 0;
                    f = 0f;
                }
                if (s >= srcSize - 1) {
                    s = srcSize - 1;
                    f = 0f;
                }
            }
            index[d] = s;
            w0[d] = saturateShort(Math.rint((1f - f) * COEF_SCALE));
            w1[d] = saturateShort(Math.rint(f * COEF_SCALE));
        }
        return new Taps(index, w0, w1);
    }

    private static int saturateShort(double v) {
        return (int) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
    }

    private static ByteImage linear(ByteImage src, int dw, int dh) {
        int sw = src.width();
        int sh = src.height();
        byte[] s = src.pixels();
        Taps cols = linearTaps(sw, dw, true);
        Taps rows = linearTaps(sh, dh, false);
        int rowLen = dw * 3;
        // Byte offsets of the two horizontal taps of each output value; a column whose right tap
        // would fall outside the source has weight 0 there (OpenCV's xmax branch), so reuse the left.
        int[] off0 = new int[rowLen];
        int[] off1 = new int[rowLen];
        int[] a0 = new int[rowLen];
        int[] a1 = new int[rowLen];
        for (int dx = 0; dx < dw; dx++) {
            int sx = cols.index()[dx];
            int right = sx + 1 < sw ? sx + 1 : sx;
            for (int c = 0; c < 3; c++) {
                off0[dx * 3 + c] = sx * 3 + c;
                off1[dx * 3 + c] = right * 3 + c;
                a0[dx * 3 + c] = cols.w0()[dx];
                a1[dx * 3 + c] = cols.w1()[dx];
            }
        }
        byte[] out = new byte[dh * rowLen];
        int[] bufA = new int[rowLen];
        int[] bufB = new int[rowLen];
        int rowA = -1;
        int rowB = -1;
        for (int dy = 0; dy < dh; dy++) {
            int sy0 = clamp(rows.index()[dy], sh);
            int sy1 = clamp(rows.index()[dy] + 1, sh);
            // Keep the horizontally filtered source rows across output rows (each is needed ~twice).
            if (sy0 != rowA) {
                if (sy0 == rowB) {
                    int[] t = bufA;
                    bufA = bufB;
                    bufB = t;
                    rowB = rowA;
                } else {
                    horizontal(s, sy0 * sw * 3, off0, off1, a0, a1, bufA);
                }
                rowA = sy0;
            }
            if (sy1 != rowB) {
                horizontal(s, sy1 * sw * 3, off0, off1, a0, a1, bufB);
                rowB = sy1;
            }
            int b0 = rows.w0()[dy];
            int b1 = rows.w1()[dy];
            int o = dy * rowLen;
            for (int i = 0; i < rowLen; i++) {
                out[o + i] = (byte) ((((b0 * (bufA[i] >> 4)) >> 16) + ((b1 * (bufB[i] >> 4)) >> 16) + 2) >> 2);
            }
        }
        return new ByteImage(dw, dh, src.order(), out);
    }

    private static void horizontal(byte[] s, int rowStart, int[] off0, int[] off1, int[] a0, int[] a1, int[] dst) {
        for (int i = 0; i < dst.length; i++) {
            dst[i] = (s[rowStart + off0[i]] & 0xFF) * a0[i] + (s[rowStart + off1[i]] & 0xFF) * a1[i];
        }
    }

    private static int clamp(int i, int size) {
        return i < 0 ? 0 : Math.min(i, size - 1);
    }

    /** OpenCV's INTER_AREA fast path for an exact 2x downscale: rounded mean of each 2x2 block. */
    private static ByteImage halve(ByteImage src, int dw, int dh) {
        byte[] s = src.pixels();
        int srcRow = src.width() * 3;
        byte[] out = new byte[dw * dh * 3];
        for (int dy = 0; dy < dh; dy++) {
            int r0 = 2 * dy * srcRow;
            int r1 = r0 + srcRow;
            int o = dy * dw * 3;
            for (int dx = 0; dx < dw; dx++) {
                int p = dx * 6;
                for (int c = 0; c < 3; c++) {
                    int sum = (s[r0 + p + c] & 0xFF) + (s[r0 + p + 3 + c] & 0xFF)
                            + (s[r1 + p + c] & 0xFF) + (s[r1 + p + 3 + c] & 0xFF);
                    out[o + dx * 3 + c] = (byte) ((sum + 2) >> 2);
                }
            }
        }
        return new ByteImage(dw, dh, src.order(), out);
    }

    private static int[] nearestTaps(int srcSize, int dstSize) {
        double scale = 1.0 / ((double) dstSize / srcSize);
        int[] index = new int[dstSize];
        for (int d = 0; d < dstSize; d++) {
            index[d] = Math.min((int) Math.floor(d * scale), srcSize - 1);
        }
        return index;
    }

    private static ByteImage nearest(ByteImage src, int dw, int dh) {
        int[] xs = nearestTaps(src.width(), dw);
        int[] ys = nearestTaps(src.height(), dh);
        byte[] s = src.pixels();
        byte[] out = new byte[dw * dh * 3];
        int srcRow = src.width() * 3;
        for (int dy = 0; dy < dh; dy++) {
            int r = ys[dy] * srcRow;
            int o = dy * dw * 3;
            for (int dx = 0; dx < dw; dx++) {
                int p = r + xs[dx] * 3;
                out[o + dx * 3] = s[p];
                out[o + dx * 3 + 1] = s[p + 1];
                out[o + dx * 3 + 2] = s[p + 2];
            }
        }
        return new ByteImage(dw, dh, src.order(), out);
    }
}
