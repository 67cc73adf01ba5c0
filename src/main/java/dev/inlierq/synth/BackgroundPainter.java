package dev.inlierq.synth;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Composite;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.geom.CubicCurve2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.SplittableRandom;

/**
 * The cluttered background of a scene, drawn from its own seed: a linear or radial gradient between two muted
 * colours, a low-frequency colour-noise texture (a grid of 4x4 to 24x24 cells of random colours at the
 * corners, interpolated bilinearly and blended at 15% to 45%), 2 to 7 translucent irregular blobs (10% to 50% of
 * the image) and 3 to 14 lines or curves (0.8 to 3.5 px wide). None of it is labelled; labelled objects are drawn over it.
 */
final class BackgroundPainter {
    private BackgroundPainter() {
    }

    static void paint(Graphics2D g, BufferedImage image, long seed) {
        int size = image.getWidth();
        SplittableRandom rng = new SplittableRandom(seed);
        gradient(image, rng);
        noiseTexture(image, rng);
        Composite opaque = g.getComposite();
        int blobs = 2 + rng.nextInt(6);
        for (int i = 0; i < blobs; i++) {
            double length = size * (0.1 + 0.4 * rng.nextDouble());
            AffineTransform t = AffineTransform.getTranslateInstance(size * rng.nextDouble(), size * rng.nextDouble());
            t.rotate(2 * Math.PI * rng.nextDouble());
            float alpha = (float) (0.15 + 0.35 * rng.nextDouble());
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, alpha));
            g.setColor(muted(rng));
            g.fill(t.createTransformedShape(Shapes.blob(length, length / (1 + rng.nextDouble()), rng)));
        }
        int lines = 3 + rng.nextInt(12);
        for (int i = 0; i < lines; i++) {
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, (float) (0.3 + 0.6 * rng.nextDouble())));
            g.setColor(Hue.any(rng));
            g.setStroke(new BasicStroke((float) (0.8 + 2.7 * rng.nextDouble()), BasicStroke.CAP_ROUND,
                    BasicStroke.JOIN_ROUND));
            double[] p = new double[8];
            for (int k = 0; k < p.length; k++) {
                p[k] = size * (1.2 * rng.nextDouble() - 0.1);
            }
            if (rng.nextDouble() < 0.5) {
                g.draw(new Line2D.Double(p[0], p[1], p[2], p[3]));
            } else {
                g.draw(new CubicCurve2D.Double(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]));
            }
        }
        g.setComposite(opaque);
    }

    /**
     * A linear gradient (60%: {@code a} before the first point, {@code b} past the second, linear between) or a
     * radial one (40%: from {@code a} at the centre to {@code b} at the radius, reflected beyond), computed on the
     * pixels directly.
     */
    private static void gradient(BufferedImage image, SplittableRandom rng) {
        int size = image.getWidth();
        int a = muted(rng).getRGB();
        int b = muted(rng).getRGB();
        boolean linear = rng.nextDouble() < 0.6;
        float x1 = (float) (size * rng.nextDouble());
        float y1 = (float) (size * rng.nextDouble());
        float x2 = (float) (size * rng.nextDouble());
        float y2 = (float) (size * rng.nextDouble());
        float radius = (float) (size * (0.4 + 0.8 * rng.nextDouble()));
        float dx = x2 - x1;
        float dy = y2 - y1;
        float len2 = Math.max(1f, dx * dx + dy * dy);
        int[] rgb = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        for (int y = 0, p = 0; y < size; y++) {
            for (int x = 0; x < size; x++, p++) {
                float px = x + 0.5f - x1;
                float py = y + 0.5f - y1;
                float t;
                if (linear) {
                    t = Math.max(0f, Math.min(1f, (px * dx + py * dy) / len2));
                } else {
                    t = (float) Math.sqrt(px * px + py * py) / radius;
                    t -= 2f * (int) (t * 0.5f);
                    t = t > 1f ? 2f - t : t;
                }
                rgb[p] = mix(a, b, t);
            }
        }
    }

    /** {@code a + (b - a) t} per channel, rounded half up ({@code t} in 0..1). */
    private static int mix(int a, int b, float t) {
        int r = (int) (((a >> 16) & 0xFF) * (1 - t) + ((b >> 16) & 0xFF) * t + 0.5f);
        int g = (int) (((a >> 8) & 0xFF) * (1 - t) + ((b >> 8) & 0xFF) * t + 0.5f);
        int bl = (int) ((a & 0xFF) * (1 - t) + (b & 0xFF) * t + 0.5f);
        return r << 16 | g << 8 | bl;
    }

    /**
     * Blends a bilinear interpolation of a random colour grid ({@code cells + 1} nodes a side spanning the image)
     * into the picture, computed on the pixels directly.
     */
    private static void noiseTexture(BufferedImage image, SplittableRandom rng) {
        int size = image.getWidth();
        int cells = 4 + rng.nextInt(21);
        int nodes = cells + 1;
        float[][] grid = new float[3][nodes * nodes];
        for (int i = 0; i < nodes * nodes; i++) {
            int c = muted(rng).getRGB();
            grid[0][i] = (c >> 16) & 0xFF;
            grid[1][i] = (c >> 8) & 0xFF;
            grid[2][i] = c & 0xFF;
        }
        float alpha = (float) (0.15 + 0.3 * rng.nextDouble());
        int[] rgb = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        float[][] line = new float[3][nodes];
        float scale = (float) cells / size;
        int[] x0 = new int[size];
        float[] tx = new float[size];
        for (int x = 0; x < size; x++) {
            float gx = (x + 0.5f) * scale;
            x0[x] = Math.min(cells - 1, (int) gx);
            tx[x] = gx - x0[x];
        }
        float[][] row = new float[3][size];
        for (int y = 0; y < size; y++) {
            float gy = (y + 0.5f) * scale;
            int y0 = Math.min(cells - 1, (int) gy);
            float ty = gy - y0;
            for (int c = 0; c < 3; c++) {
                float[] l = line[c];
                float[] r = row[c];
                for (int x = 0; x < nodes; x++) {
                    l[x] = grid[c][y0 * nodes + x] * (1 - ty) + grid[c][(y0 + 1) * nodes + x] * ty;
                }
                for (int x = 0; x < size; x++) {
                    r[x] = l[x0[x]] * (1 - tx[x]) + l[x0[x] + 1] * tx[x];
                }
            }
            for (int x = 0, p = y * size; x < size; x++, p++) {
                int v = rgb[p];
                int r = blend((v >> 16) & 0xFF, row[0][x], alpha);
                int g = blend((v >> 8) & 0xFF, row[1][x], alpha);
                int b = blend(v & 0xFF, row[2][x], alpha);
                rgb[p] = r << 16 | g << 8 | b;
            }
        }
    }

    /** Rounded half up; both values are in 0..255. */
    private static int blend(int under, float over, float alpha) {
        return (int) (under + (over - under) * alpha + 0.5f);
    }

    /** A colour of any hue with saturation up to 0.6 and brightness 0.2 to 0.9. */
    private static Color muted(SplittableRandom rng) {
        return Color.getHSBColor((float) rng.nextDouble(), (float) (0.6 * rng.nextDouble()),
                (float) (0.2 + 0.7 * rng.nextDouble()));
    }
}
