package dev.inlierq.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Random;

/**
 * A CenterNet-style detector with deterministic random weights, shaped like the demo detector (family
 * {@code centernet}, 8 synthetic classes): input {@code images} [N, 3, S, S]; a stride-2 stem, a depthwise-separable
 * stage to stride 4, {@code depth} more stages to stride 4 x 2^depth brought back to stride 4 by a nearest
 * {@code Resize} and added to the stride-4 features, a depthwise-separable head trunk, and three 1x1 heads:
 * {@code heatmap} [N, 8, S/4, S/4] (logits, bias -2.19 as CenterNet), {@code size} and {@code offset}
 * [N, 2, S/4, S/4]. SiLU is written as Sigmoid and Mul, as exporters do. Untrained: its AP is near 0.
 */
public final class TinyCenterNet {
    /** Heatmap channels: the synthetic benchmark's classes. */
    public static final int CLASSES = 8;

    private final OnnxModelBuilder m = OnnxModelBuilder.opset(13);
    private final Random random;
    private int layer;

    private TinyCenterNet(long seed) {
        random = new Random(seed);
    }

    /**
     * Writes the model into {@code dir} as {@code name.onnx} and returns its path.
     *
     * @param side  input side in pixels, a multiple of 4 x 2^depth
     * @param width channels of the stride-4 features (deeper stages double it per stage)
     * @param depth stages below stride 4 (0: none)
     */
    public static Path write(Path dir, String name, int side, int width, int depth) {
        TinyCenterNet t = new TinyCenterNet(23);
        t.m.input("images", -1, 3, side, side);
        String x = t.silu(t.conv("images", 3, width, 3, 2, 1));
        String f4 = t.separable(x, width, width, 2);
        String deep = f4;
        int channels = width;
        for (int i = 0; i < depth; i++) {
            deep = t.separable(deep, channels, channels * 2, 2);
            channels *= 2;
        }
        String neck = f4;
        if (depth > 0) {
            String lateral = t.conv(deep, channels, width, 1, 1, 1);
            float s = 1 << depth;
            t.m.initializer("up_scales", new long[] {4}, 1, 1, s, s);
            t.m.node("Resize", lateral, "", "up_scales").out("up").s("mode", "nearest").end();
            t.m.node("Add", "up", f4).out("neck_sum").end();
            neck = t.silu("neck_sum");
        }
        String trunk = t.separable(neck, width, width, 1);
        t.head(trunk, width, CLASSES, -2.19f, "heatmap");
        t.head(trunk, width, 2, 1f, "size");
        t.head(trunk, width, 2, 0.5f, "offset");
        try {
            Files.createDirectories(dir);
            return Files.move(t.m.write(dir), dir.resolve(name + ".onnx"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the spec file of a model of input side {@code side} into {@code dir} as {@code name.yaml}. */
    public static Path writeSpec(Path dir, String name, int side) {
        String yaml = """
                name: %s
                input: {name: images, width: %d, height: %d, channelOrder: RGB, resize: STRETCH, scale: 1/255}
                head: {family: centernet, heatmap: heatmap, size: size, offset: offset, stride: 4, decoded: false}
                postprocess: {scoreThreshold: 0.05, nms: NONE, preNmsTopK: 100, maxDetections: 100}
                classes: [1, 2, 3, 4, 5, 6, 7, 8]
                """.formatted(name, side, side);
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve(name + ".yaml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A depthwise 3x3 convolution of stride {@code stride}, SiLU, a pointwise one to {@code out} channels, SiLU. */
    private String separable(String x, int in, int out, int stride) {
        String dw = silu(conv(x, in, in, 3, stride, in));
        return silu(conv(dw, in, out, 1, 1, 1));
    }

    private String conv(String x, int in, int out, int kernel, int stride, int group) {
        String name = "conv" + (++layer);
        int fanIn = in / group * kernel * kernel;
        m.initializer(name + "_w", new long[] {out, in / group, kernel, kernel},
                gaussian(out * fanIn, (float) Math.sqrt(2.0 / fanIn), 0f));
        m.initializer(name + "_b", new long[] {out}, gaussian(out, 0.1f, 0f));
        int pad = kernel / 2;
        m.node("Conv", x, name + "_w", name + "_b").out(name).ints("strides", stride, stride)
                .ints("pads", pad, pad, pad, pad).i("group", group).end();
        return name;
    }

    private String silu(String x) {
        m.node("Sigmoid", x).out(x + "_sig").end();
        m.node("Mul", x, x + "_sig").out(x + "_silu").end();
        return x + "_silu";
    }

    private void head(String x, int in, int out, float bias, String name) {
        m.initializer(name + "_w", new long[] {out, in, 1, 1}, gaussian(out * in, (float) Math.sqrt(1.0 / in), 0f));
        m.initializer(name + "_b", new long[] {out}, gaussian(out, 0.1f, bias));
        m.node("Conv", x, name + "_w", name + "_b").out(name).end();
        m.output(name);
    }

    private float[] gaussian(int n, float sd, float mean) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = mean + (float) random.nextGaussian() * sd;
        }
        return v;
    }
}
