package dev.inlierq.report;

import dev.inlierq.detect.InputSpec;
import dev.inlierq.detect.image.ChannelOrder;
import dev.inlierq.tensor.FloatTensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * PNG overlays of InlierQ's inlier posterior on the network input, so a user can see which regions a layer's
 * split called inliers (red, {@code P(I | s)} near 1) and anomalies (blue, near 0): each pixel is half the
 * input image (the preprocessed tensor with its normalisation undone) and half the colour
 * {@code (255 P, 0, 255 (1 - P))}, the posterior map upsampled to the input size by nearest neighbour.
 */
public final class SaliencyOverlay {
    private SaliencyOverlay() {
    }

    /**
     * @param input     one preprocessed image {@code [1, 3, H, W]}
     * @param posterior the posterior of one sample, {@code h x w} row-major
     */
    public static BufferedImage render(FloatTensor input, InputSpec spec, float[] posterior, int h, int w) {
        long[] s = input.shape();
        if (s.length != 4 || s[1] != 3) {
            throw new IllegalArgumentException("input: expected [1, 3, H, W], got " + java.util.Arrays.toString(s));
        }
        if (posterior.length != (long) h * w) {
            throw new IllegalArgumentException("posterior: expected " + h + " x " + w + " values, got " + posterior.length);
        }
        int height = (int) s[2];
        int width = (int) s[3];
        int plane = height * width;
        float[] x = input.data();
        double[] mean = spec.normalization().mean();
        double[] std = spec.normalization().std();
        double scale = spec.normalization().scale();
        boolean bgr = spec.channelOrder() == ChannelOrder.BGR;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int yy = 0; yy < height; yy++) {
            int py = Math.min(h - 1, yy * h / height);
            for (int xx = 0; xx < width; xx++) {
                int px = Math.min(w - 1, xx * w / width);
                float p = posterior[py * w + px];
                int[] rgb = new int[3];
                for (int c = 0; c < 3; c++) {
                    int at = c * plane + yy * width + xx;
                    double v = (x[at] * std[c] + mean[c]) / scale; // the 8-bit value before normalisation
                    rgb[bgr ? 2 - c : c] = (int) Math.max(0, Math.min(255, Math.round(v)));
                }
                int r = (int) (0.5 * rgb[0] + 127.5 * p);
                int g = (int) (0.5 * rgb[1]);
                int b = (int) (0.5 * rgb[2] + 127.5 * (1 - p));
                img.setRGB(xx, yy, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    /**
     * {@code image} scaled down so that its longer side is at most {@code maxSide} pixels, each pixel the mean of
     * the source pixels it covers (a box filter; no AWT graphics, so it runs headless anywhere).
     */
    public static BufferedImage thumbnail(BufferedImage image, int maxSide) {
        int w = image.getWidth();
        int h = image.getHeight();
        double f = Math.min(1.0, (double) maxSide / Math.max(w, h));
        int tw = Math.max(1, (int) Math.round(w * f));
        int th = Math.max(1, (int) Math.round(h * f));
        BufferedImage out = new BufferedImage(tw, th, BufferedImage.TYPE_INT_RGB);
        for (int ty = 0; ty < th; ty++) {
            int y0 = ty * h / th;
            int y1 = Math.max(y0 + 1, (ty + 1) * h / th);
            for (int tx = 0; tx < tw; tx++) {
                int x0 = tx * w / tw;
                int x1 = Math.max(x0 + 1, (tx + 1) * w / tw);
                long r = 0;
                long g = 0;
                long b = 0;
                for (int y = y0; y < y1; y++) {
                    for (int x = x0; x < x1; x++) {
                        int rgb = image.getRGB(x, y);
                        r += (rgb >> 16) & 255;
                        g += (rgb >> 8) & 255;
                        b += rgb & 255;
                    }
                }
                long n = (long) (y1 - y0) * (x1 - x0);
                out.setRGB(tx, ty, (int) (r / n) << 16 | (int) (g / n) << 8 | (int) (b / n));
            }
        }
        return out;
    }

    /** Writes the overlay as a PNG file, atomically. */
    public static void write(Path file, BufferedImage image) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", buf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonFiles.writeAtomically(file, buf.toByteArray());
    }
}
