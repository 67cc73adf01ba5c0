package dev.inlierq.lidar;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * Rasterises a point cloud into a bird's-eye-view pseudo-image, as Complex-YOLO does (M. Simon, S. Milz,
 * K. Amende, H.-M. Gross, "Complex-YOLO: Real-time 3D Object Detection on Point Clouds", 2018, section 2.1: an
 * RGB map of density, height and intensity).
 *
 * <p>Grid: {@code cells x cells} square cells of {@code cellSize} metres centred on the sensor, so the map
 * covers {@code [-half, half)} in x and {@code (-half, half]} in y with {@code half = cells * cellSize / 2}. A
 * point {@code (x, y)} falls in column {@code u = floor((x + half) / cellSize)} and row
 * {@code v = floor((half - y) / cellSize)}: +x points right and +y up in the image. Points outside the map are
 * ignored.
 *
 * <p>Channels of a cell with {@code n} points (8 bits each, {@code round(255 * value)}; an empty cell is black):
 * <ul>
 *   <li>R, density: {@code min(1, ln(n + 1) / ln(64))};</li>
 *   <li>G, height: the height above the ground of the cell's highest point, over {@link #MAX_HEIGHT} m, clipped
 *       to [0, 1];</li>
 *   <li>B, intensity: the intensity of that highest point.</li>
 * </ul>
 */
final class BevRaster {
    /** Height (metres) mapped to a full green channel. */
    static final double MAX_HEIGHT = 3.5;
    private static final double LOG_64 = Math.log(64);

    private BevRaster() {
    }

    /** The BEV image (TYPE_3BYTE_BGR) of the points. */
    static BufferedImage rasterize(float[] x, float[] y, float[] z, float[] intensity, int cells, double cellSize) {
        double half = cells * cellSize / 2;
        int[] count = new int[cells * cells];
        float[] top = new float[cells * cells];
        float[] topIntensity = new float[cells * cells];
        for (int i = 0; i < x.length; i++) {
            int u = (int) Math.floor((x[i] + half) / cellSize);
            int v = (int) Math.floor((half - y[i]) / cellSize);
            if (u < 0 || u >= cells || v < 0 || v >= cells) {
                continue;
            }
            int cell = v * cells + u;
            if (count[cell] == 0 || z[i] > top[cell]) {
                top[cell] = z[i];
                topIntensity[cell] = intensity[i];
            }
            count[cell]++;
        }
        BufferedImage image = new BufferedImage(cells, cells, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int cell = 0; cell < count.length; cell++) {
            if (count[cell] == 0) {
                continue;
            }
            bgr[3 * cell] = level(topIntensity[cell]);
            bgr[3 * cell + 1] = level(top[cell] / MAX_HEIGHT);
            bgr[3 * cell + 2] = level(Math.log(count[cell] + 1) / LOG_64);
        }
        return image;
    }

    /** {@code round(255 * value)} with the value clipped to [0, 1]. */
    static byte level(double value) {
        return (byte) Math.round(255 * Math.min(1, Math.max(0, value)));
    }
}
