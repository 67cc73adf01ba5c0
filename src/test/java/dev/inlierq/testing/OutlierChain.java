package dev.inlierq.testing;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * A tiny YOLOX-shaped detector whose two middle layers differ in their weights: {@code mid_plain} has Gaussian
 * weights, {@code mid_outliers} as well, plus in every output channel three weights 40 standard deviations out on
 * an input channel that is always 0 (a dead channel: they change nothing in float, but inflate the 4-bit step of
 * their channel, as unconstrained weights on dead inputs do in trained networks); and random calibration images.
 */
public final class OutlierChain {
    /** The spec of {@link #model}: a YOLOX head of one stride-8 level, 3 classes, raw logits. */
    public static final String SPEC = "input: {name: images, width: 64, height: 64, channelOrder: RGB, resize: STRETCH,"
            + " scale: 1/255}\nhead: {family: yolox, output: out, strides: [8], decoded: false}\n"
            + "classes: [1, 2, 3]\npostprocess: {scoreThreshold: 0.05}\n";
    public static final int CHANNELS = 16;

    private OutlierChain() {
    }

    /**
     * images [N, 3, 64, 64] -> first (4x4, stride 4) -> Relu -> mid_plain (3x3) -> Relu -> mid_outliers (3x3) ->
     * Relu -> last (2x2, stride 2, 8 channels) -> out [N, 64, 8].
     */
    public static Path model(Path dir) {
        Random r = new Random(5);
        int c = CHANNELS;
        float[] plain = RandomData.gaussian(r, c * c * 9, 1.0 / Math.sqrt(c * 9));
        float[] outliers = RandomData.gaussian(r, c * c * 9, 1.0 / Math.sqrt(c * 9));
        for (int o = 0; o < c; o++) {
            for (int k = 0; k < 3; k++) { // on input channel 0, which mid_plain's bias keeps at 0 after the Relu
                int i = o * c * 9 + r.nextInt(9);
                outliers[i] = (float) ((r.nextBoolean() ? 40 : -40) / Math.sqrt(c * 9));
            }
        }
        float[] plainBias = new float[c];
        plainBias[0] = -100;
        for (int i = 0; i < c * 9; i++) {
            plain[i] = 0; // output channel 0 of mid_plain: the bias alone, -100, so 0 after the Relu
        }
        OnnxModelBuilder m = OnnxModelBuilder.opset(13).input("images", -1, 3, 64, 64)
                .initializer("first_w", new long[] {c, 3, 4, 4}, RandomData.gaussian(r, c * 48, 0.2))
                .initializer("first_b", new long[] {c}, RandomData.gaussian(r, c, 0.1))
                .initializer("plain_w", new long[] {c, c, 3, 3}, plain)
                .initializer("plain_b", new long[] {c}, plainBias)
                .initializer("outliers_w", new long[] {c, c, 3, 3}, outliers)
                .initializer("last_w", new long[] {8, c, 2, 2}, RandomData.gaussian(r, 8 * c * 4, 0.3))
                .initializer("last_b", new long[] {8}, new float[] {0, 0, 0, 0, 0, -1, -1, -1})
                .node("Conv", "images", "first_w", "first_b").name("first").out("f").ints("strides", 4, 4).end()
                .node("Relu", "f").out("fr").end()
                .node("Conv", "fr", "plain_w", "plain_b").name("mid_plain").out("p").ints("pads", 1, 1, 1, 1).end()
                .node("Relu", "p").out("pr").end()
                .node("Conv", "pr", "outliers_w").name("mid_outliers").out("q").ints("pads", 1, 1, 1, 1).end()
                .node("Relu", "q").out("qr").end()
                .node("Conv", "qr", "last_w", "last_b").name("last").out("l").ints("strides", 2, 2).end()
                .node("Transpose", "l").out("t").ints("perm", 0, 2, 3, 1).end()
                .int64s("shape", 0, -1, 8)
                .node("Reshape", "t", "shape").out("out").end()
                .output("out");
        return m.write(dir);
    }

    /** {@link #SPEC} written to {@code tiny.yaml} in {@code dir}. */
    public static Path specFile(Path dir) {
        try {
            return Files.writeString(dir.resolve("tiny.yaml"), SPEC);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code count} random 64 x 64 PNG images (blocks of random colours) in a new folder under {@code dir}. */
    public static Path images(Path dir, int count) {
        Random r = new Random(9);
        try {
            Path folder = Files.createDirectories(dir.resolve("images"));
            for (int i = 0; i < count; i++) {
                BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
                for (int by = 0; by < 64; by += 8) {
                    for (int bx = 0; bx < 64; bx += 8) {
                        int rgb = r.nextInt(1 << 24);
                        for (int y = by; y < by + 8; y++) {
                            for (int x = bx; x < bx + 8; x++) {
                                img.setRGB(x, y, rgb);
                            }
                        }
                    }
                }
                ImageIO.write(img, "png", folder.resolve(String.format("img%02d.png", i)).toFile());
            }
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
