package dev.inlierq.detect.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Expected values are derived by hand from OpenCV's 8-bit INTER_LINEAR formula (see {@link Resize}):
 * weights {@code rint((1 - fx) * 2048)}, {@code rint(fx * 2048)}, horizontal sums T, then
 * {@code (((b0 * (T0 >> 4)) >> 16) + ((b1 * (T1 >> 4)) >> 16) + 2) >> 2}.
 */
class ResizeTest {

    /** A 3-channel image: channel 0 and 1 hold {@code values}, channel 2 is constant 77. */
    static ByteImage image(int[][] values) {
        int h = values.length;
        int w = values[0].length;
        byte[] p = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                p[(y * w + x) * 3] = (byte) values[y][x];
                p[(y * w + x) * 3 + 1] = (byte) values[y][x];
                p[(y * w + x) * 3 + 2] = 77;
            }
        }
        return new ByteImage(w, h, ChannelOrder.RGB, p);
    }

    static int[][] channel(ByteImage img, int c) {
        int[][] out = new int[img.height()][img.width()];
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) {
                out[y][x] = img.get(x, y, c);
            }
        }
        return out;
    }

    static void assertResized(int[][] expected, ByteImage actual) {
        assertArrayEquals(expected, channel(actual, 0));
        assertArrayEquals(expected, channel(actual, 1));
        for (int[] row : channel(actual, 2)) {
            for (int v : row) {
                assertEquals(77, v, "a constant channel stays constant");
            }
        }
    }

    /**
     * 2x2 -> 4x4, scale 0.5. Columns: fx = (dx + 0.5) * 0.5 - 0.5 = -0.25, 0.25, 0.75, 1.25, so
     * (sx, a0, a1) = (0 clamped, 2048, 0), (0, 1536, 512), (0, 512, 1536), (1 clamped, 2048, 0).
     * Rows: sy = -1 (both rows clamp to 0), 0, 0, 1 (both clamp to 1).
     * Pixel (1, 1): T0 = 10*1536 + 20*512 = 25600, T1 = 30*1536 + 40*512 = 66560, b = (1536, 512):
     * (1536 * 1600) >> 16 = 37, (512 * 4160) >> 16 = 32, (37 + 32 + 2) >> 2 = 17 (exact 17.5).
     * Pixel (2, 0): T = 10*512 + 20*1536 = 35840 for both rows, b = (512, 1536): 17 + 52 -> 17 (exact 17.5).
     * Pixel (1, 0): T = 25600, b = (512, 1536): (512*1600 >> 16) + (1536*1600 >> 16) = 12 + 37 -> 12,
     * where the generic (sum + 2^21) >> 22 cast would give 13.
     */
    @Test
    void upscaleMatchesOpenCvFixedPoint() {
        ByteImage out = Resize.resize(image(new int[][] {{10, 20}, {30, 40}}), 4, 4, Interpolation.LINEAR);
        assertResized(new int[][] {
            {10, 12, 17, 20},
            {15, 17, 22, 25},
            {25, 27, 32, 35},
            {30, 32, 37, 40}}, out);
    }

    /**
     * 4x4 -> 3x3, scale 4/3. fx = (float) (0.5 * 1.3333333333333333 - 0.5) = 0.16666667f, so
     * a = (rint(0.8333333f * 2048), rint(0.16666667f * 2048)) = (1707, 341); then fx = 1.5 -> (1024, 1024);
     * then fx = 2.8333333f -> sx 2, (341, 1707). Rows use the same taps.
     * Pixel (0, 0): T0 = 0*1707 + 100*341 = 34100, T1 = 255*1707 + 0*341 = 435285;
     * (1707 * 2131) >> 16 = 55, (341 * 27205) >> 16 = 141, (55 + 141 + 2) >> 2 = 49.
     * Pixel (1, 1): T0 = (0 + 128)*1024 = 131072, T1 = (20 + 30)*1024 = 51200;
     * (1024 * 8192) >> 16 = 128, (1024 * 3200) >> 16 = 50, (128 + 50 + 2) >> 2 = 45.
     */
    @Test
    void downscaleMatchesOpenCvFixedPoint() {
        int[][] src = {
            {0, 100, 200, 50},
            {255, 0, 128, 64},
            {10, 20, 30, 40},
            {90, 180, 45, 225}};
        ByteImage out = Resize.resize(image(src), 3, 3, Interpolation.LINEAR);
        assertResized(new int[][] {
            {49, 136, 75},
            {112, 45, 56},
            {89, 98, 169}}, out);
    }

    /**
     * 5x3 -> 7x5 (non-integer scales 5/7 and 3/5 in both directions of rounding). Column taps
     * (sx, a0, a1): (0, 2048, 0), (0, 878, 1170), (1, 1463, 585), (2, 2048, 0), (2, 585, 1463),
     * (3, 1170, 878), (4, 2048, 0); row taps (sy, b0, b1): (-1, 410, 1638), (0, 1229, 819),
     * (1, 2048, 0), (1, 819, 1229), (2, 1638, 410).
     */
    @Test
    void anisotropicUpscale() {
        int[][] src = {
            {0, 100, 200, 50, 7},
            {255, 0, 128, 64, 9},
            {10, 20, 30, 40, 11}};
        ByteImage out = Resize.resize(image(src), 7, 5, Interpolation.LINEAR);
        assertResized(new int[][] {
            {0, 57, 128, 200, 93, 31, 7},
            {102, 78, 92, 171, 88, 35, 8},
            {255, 109, 37, 128, 82, 40, 9},
            {108, 53, 28, 69, 55, 33, 10},
            {10, 16, 23, 30, 37, 28, 11}}, out);
    }

    /**
     * An integer factor 3 samples the block centres exactly (fx = 0): the OpenCV output of this
     * input, [[80, 78], [19, 40]], is quoted in royinx/CUDA_Resize issue #3.
     */
    @Test
    void integerFactorDownscaleSamplesCentres() {
        int[][] src = {
            {45, 70, 95, 51, 50, 54},
            {54, 80, 23, 23, 78, 55},
            {87, 34, 98, 84, 0, 67},
            {72, 49, 63, 7, 20, 93},
            {2, 19, 37, 60, 40, 35},
            {31, 20, 64, 1, 66, 23}};
        assertResized(new int[][] {{80, 78}, {19, 40}}, Resize.resize(image(src), 2, 2, Interpolation.LINEAR));
    }

    /** An exact 2x downscale is OpenCV's INTER_AREA fast path: (a + b + c + d + 2) >> 2. */
    @Test
    void halvingIsRoundedBlockMean() {
        int[][] src = {
            {1, 1, 10, 10},
            {1, 3, 10, 12}};
        // (1+1+1+3+2)>>2 = 2 (mean 1.5); (10+10+10+12+2)>>2 = 11 (mean 10.5)
        assertResized(new int[][] {{2, 11}}, Resize.resize(image(src), 2, 1, Interpolation.LINEAR));
    }

    @Test
    void sameSizeIsACopy() {
        ByteImage src = image(new int[][] {{1, 2, 3}, {4, 5, 6}});
        ByteImage out = Resize.resize(src, 3, 2, Interpolation.LINEAR);
        assertEquals(src, out);
    }

    /** INTER_NEAREST: sx = floor(dx * src / dst). 3 -> 2 columns picks 0, 1; 2 -> 4 rows picks 0, 0, 1, 1. */
    @Test
    void nearest() {
        int[][] src = {{10, 20, 30}, {40, 50, 60}};
        assertResized(new int[][] {{10, 20}, {10, 20}, {40, 50}, {40, 50}},
                Resize.resize(image(src), 2, 4, Interpolation.NEAREST));
    }

    @Test
    void keepsChannelOrder() {
        ByteImage bgr = image(new int[][] {{1, 2}, {3, 4}}).inOrder(ChannelOrder.BGR);
        assertEquals(ChannelOrder.BGR, Resize.resize(bgr, 5, 3, Interpolation.LINEAR).order());
    }

    /** On random images every pixel is within 1 of exact half-pixel bilinear interpolation. */
    @Test
    void withinOneOfExactBilinear() {
        Random rnd = new Random(7);
        int[][] sizes = {{37, 23, 50, 41}, {37, 23, 13, 17}, {640, 480, 416, 312}, {20, 30, 21, 29}};
        for (int[] s : sizes) {
            int[][] src = new int[s[1]][s[0]];
            for (int[] row : src) {
                for (int x = 0; x < row.length; x++) {
                    row[x] = rnd.nextInt(256);
                }
            }
            int[][] out = channel(Resize.resize(image(src), s[2], s[3], Interpolation.LINEAR), 0);
            for (int y = 0; y < s[3]; y++) {
                for (int x = 0; x < s[2]; x++) {
                    double exact = bilinear(src, (x + 0.5) * s[0] / s[2] - 0.5, (y + 0.5) * s[1] / s[3] - 0.5);
                    assertTrue(Math.abs(out[y][x] - exact) <= 1.0,
                            "pixel " + x + "," + y + " of " + s[2] + "x" + s[3] + ": " + out[y][x] + " vs " + exact);
                }
            }
        }
    }

    private static double bilinear(int[][] src, double fx, double fy) {
        int w = src[0].length;
        int h = src.length;
        fx = Math.max(0, Math.min(w - 1, fx));
        fy = Math.max(0, Math.min(h - 1, fy));
        int x0 = (int) Math.floor(fx);
        int y0 = (int) Math.floor(fy);
        int x1 = Math.min(x0 + 1, w - 1);
        int y1 = Math.min(y0 + 1, h - 1);
        double ax = fx - x0;
        double ay = fy - y0;
        double top = src[y0][x0] * (1 - ax) + src[y0][x1] * ax;
        double bottom = src[y1][x0] * (1 - ax) + src[y1][x1] * ax;
        return top * (1 - ay) + bottom * ay;
    }
}
