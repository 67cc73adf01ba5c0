package dev.inlierq.synth;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.SplittableRandom;

/**
 * The degradations applied to a finished rendering, in camera order: the global lighting change
 * ({@link Scene.Lighting}), a separable Gaussian blur (kernel radius {@code ceil(3 sigma)}, edges clamped), then
 * additive Gaussian noise per channel ({@link #noise}), rounded and clamped to 0..255. The arithmetic is Java
 * {@code float} and {@code double} (strict since Java 17) and the blur kernel uses {@link StrictMath}, so the result
 * follows from the scene alone.
 */
final class PixelEffects {
    private PixelEffects() {
    }

    /** Applies the scene's degradations to {@code image} (TYPE_INT_RGB) in place. */
    static void apply(BufferedImage image, Scene scene) {
        int[] rgb = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        lighting(rgb, scene.lighting());
        if (scene.blurSigma() > 0) {
            blur(rgb, image.getWidth(), image.getHeight(), scene.blurSigma());
        }
        if (scene.noiseSigma() > 0) {
            noise(rgb, scene.noiseSigma(), new SplittableRandom(scene.noiseSeed()));
        }
    }

    static void lighting(int[] rgb, Scene.Lighting l) {
        int[] r = lut(l, l.gainRed());
        int[] g = lut(l, l.gainGreen());
        int[] b = lut(l, l.gainBlue());
        for (int i = 0; i < rgb.length; i++) {
            int p = rgb[i];
            rgb[i] = r[(p >> 16) & 0xFF] << 16 | g[(p >> 8) & 0xFF] << 8 | b[p & 0xFF];
        }
    }

    private static int[] lut(Scene.Lighting l, double gain) {
        int[] t = new int[256];
        for (int v = 0; v < 256; v++) {
            t[v] = clamp((int) Math.round(((v - 128) * l.contrast() + 128 + l.brightness()) * gain));
        }
        return t;
    }

    static void blur(int[] rgb, int width, int height, double sigma) {
        int radius = (int) Math.ceil(3 * sigma);
        float[] k = new float[2 * radius + 1];
        float sum = 0;
        for (int i = -radius; i <= radius; i++) {
            k[i + radius] = (float) StrictMath.exp(-(i * i) / (2 * sigma * sigma));
            sum += k[i + radius];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        float[][] planes = new float[3][rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            planes[0][i] = (rgb[i] >> 16) & 0xFF;
            planes[1][i] = (rgb[i] >> 8) & 0xFF;
            planes[2][i] = rgb[i] & 0xFF;
        }
        float[] tmp = new float[rgb.length];
        float[] row = new float[width + 2 * radius];
        for (float[] plane : planes) {
            horizontal(plane, tmp, width, height, k, row);
            vertical(tmp, plane, width, height, k);
        }
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = toByte(planes[0][i]) << 16 | toByte(planes[1][i]) << 8 | toByte(planes[2][i]);
        }
    }

    /** Convolution along the rows, through a row buffer padded with the edge values (tap-major, vectorisable). */
    private static void horizontal(float[] src, float[] dst, int width, int height, float[] k, float[] row) {
        int radius = k.length / 2;
        for (int y = 0; y < height; y++) {
            int base = y * width;
            System.arraycopy(src, base, row, radius, width);
            java.util.Arrays.fill(row, 0, radius, src[base]);
            java.util.Arrays.fill(row, radius + width, row.length, src[base + width - 1]);
            java.util.Arrays.fill(dst, base, base + width, 0f);
            for (int j = 0; j < k.length; j++) {
                float kj = k[j];
                for (int x = 0; x < width; x++) {
                    dst[base + x] += kj * row[x + j];
                }
            }
        }
    }

    /** Convolution along the columns, rows outside the image clamped to the edge row. */
    private static void vertical(float[] src, float[] dst, int width, int height, float[] k) {
        int radius = k.length / 2;
        java.util.Arrays.fill(dst, 0);
        for (int y = 0; y < height; y++) {
            int base = y * width;
            for (int j = 0; j < k.length; j++) {
                int sy = Math.min(height - 1, Math.max(0, y + j - radius)) * width;
                float kj = k[j];
                for (int x = 0; x < width; x++) {
                    dst[base + x] += kj * src[sy + x];
                }
            }
        }
    }

    /**
     * Adds {@code sigma} times a standard normal deviate to each channel of each pixel. The deviates are drawn from
     * a table of the 65,536 quantiles {@code Phi^-1((i + 0.5) / 65536)}, indexed by three 16-bit fields of one
     * random long per pixel: a quantised normal law whose steps are far below one grey level at the sigmas used,
     * and cheap.
     */
    static void noise(int[] rgb, double sigma, SplittableRandom rng) {
        float s = (float) sigma;
        float[] q = NormalTable.QUANTILES;
        for (int i = 0; i < rgb.length; i++) {
            long bits = rng.nextLong();
            int p = rgb[i];
            int r = toByte(((p >> 16) & 0xFF) + s * q[(int) (bits & 0xFFFF)]);
            int g = toByte(((p >> 8) & 0xFF) + s * q[(int) ((bits >>> 16) & 0xFFFF)]);
            int b = toByte((p & 0xFF) + s * q[(int) ((bits >>> 32) & 0xFFFF)]);
            rgb[i] = r << 16 | g << 8 | b;
        }
    }

    /** Clamped to 0..255 and rounded half up. */
    private static int toByte(float v) {
        return v <= 0f ? 0 : v >= 255f ? 255 : (int) (v + 0.5f);
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : v > 255 ? 255 : v;
    }
}
