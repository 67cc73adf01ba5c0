package dev.inlierq.lidar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** The BEV encoding on a hand-made point set: which cell a point falls in and the three channel values. */
class BevRasterTest {
    /** A 64 x 64 map of 0.5 m cells: x and y from -16 to 16 m. */
    private static final int CELLS = 64;
    private static final double CELL = 0.5;

    private static int[] rgb(BufferedImage image, int u, int v) {
        int p = image.getRGB(u, v);
        return new int[] {(p >> 16) & 255, (p >> 8) & 255, p & 255};
    }

    @Test
    void densityHeightAndIntensityOfTheHighestPoint() {
        float[] x = {0.1f, 0.3f, 0.2f, -16f, -15.9f, -15.8f, 15.99f, 15.8f, 16f, 0f, 3.1f, 3.2f};
        float[] y = {0.2f, 0.4f, 0.3f, 16f, 15.9f, 15.8f, -15.99f, -15.8f, 0f, -16f, -3.1f, -3.2f};
        float[] z = {0.5f, 1.75f, 0.1f, 5f, 0.2f, 0.3f, -0.2f, -0.5f, 1f, 1f, 0.7f, 0.3f};
        float[] intensity = {0.2f, 0.8f, 0.5f, 1f, 0.1f, 0.3f, 0.6f, 0.9f, 1f, 1f, 0.4f, 0.9f};
        BufferedImage image = BevRaster.rasterize(x, y, z, intensity, CELLS, CELL);
        assertEquals(CELLS, image.getWidth());
        assertEquals(CELLS, image.getHeight());
        // x in [0, 0.5), y in (0, 0.5]: column 32, row 31 (y up is row down); 3 points, the highest 1.75 m at 0.8
        assertEquals(85, rgb(image, 32, 31)[0], "ln 4 / ln 64 = 1/3");
        assertEquals(128, rgb(image, 32, 31)[1], "1.75 of 3.5 m");
        assertEquals(204, rgb(image, 32, 31)[2], "0.8");
        // the top-left corner (-16, 16) and two more points: 3 points, the highest 5 m (clipped) at intensity 1
        assertEquals(85, rgb(image, 0, 0)[0]);
        assertEquals(255, rgb(image, 0, 0)[1]);
        assertEquals(255, rgb(image, 0, 0)[2]);
        // the bottom-right cell holds two points below the ground: height 0, the higher one's intensity 0.6
        int[] low = rgb(image, 63, 63);
        assertEquals(67, low[0], "ln 3 / ln 64 = 0.264");
        assertEquals(0, low[1]);
        assertEquals(153, low[2]);
        // (3.1, -3.1) falls in column floor(19.1 / 0.5) = 38, row floor(19.1 / 0.5) = 38, with (3.2, -3.2)
        assertEquals(67, rgb(image, 38, 38)[0]);
        assertEquals(51, rgb(image, 38, 38)[1], "0.7 of 3.5 m = 0.2");
        assertEquals(102, rgb(image, 38, 38)[2]);
        // x = 16 and y = -16 lie just outside the map; everything else is black
        int lit = 0;
        for (int v = 0; v < CELLS; v++) {
            for (int u = 0; u < CELLS; u++) {
                lit += (image.getRGB(u, v) & 0xFFFFFF) != 0 ? 1 : 0;
            }
        }
        assertEquals(4, lit);
    }

    @Test
    void densitySaturatesAt63Points() {
        int n = 100;
        float[] x = new float[n];
        float[] y = new float[n];
        float[] z = new float[n];
        float[] intensity = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = 1.2f;
            y[i] = i < 63 ? 1.2f : -1.2f;
        }
        BufferedImage image = BevRaster.rasterize(x, y, z, intensity, CELLS, CELL);
        assertEquals(255, rgb(image, 34, 29)[0], "63 points: ln 64 / ln 64");
        assertEquals(Math.round(255 * Math.log(38) / Math.log(64)), rgb(image, 34, 34)[0], "37 points");
    }
}
