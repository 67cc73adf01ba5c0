package dev.inlierq.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Tiny detector-shaped ONNX models with deterministic weights, built for spec and decoder tests: one
 * strided convolution per pyramid level (kernel = stride, so each grid cell sees its own pixels), whose
 * output is rearranged into the layout a head family reads. Input {@code images} [N, 3, 64, 64].
 */
public final class TinyDetectors {
    /** Input side in pixels. */
    public static final int SIDE = 64;

    private TinyDetectors() {
    }

    /**
     * A NanoDet-like model with per-level outputs {@code cls<s>} [N*L, classes] and {@code reg<s>}
     * [N*L, 4*(regMax+1)] (no batch axis when {@code batchAxis} is false, else [N, L, K]), one level per stride.
     */
    public static Path perLevel(Path dir, List<Integer> strides, int classes, int regMax, boolean batchAxis) {
        OnnxModelBuilder m = OnnxModelBuilder.opset(13).input("images", -1, 3, SIDE, SIDE);
        Random r = new Random(11);
        for (int s : strides) {
            level(m, r, "cls" + s, s, classes, -2f, batchAxis).output("cls" + s);
            level(m, r, "reg" + s, s, 4 * (regMax + 1), 0f, batchAxis).output("reg" + s);
        }
        return m.write(dir);
    }

    /**
     * One output {@code packed} holding every level of an anchor head, rows level by level and row-major,
     * columns: 4 box values per anchor, then one objectness per anchor, then {@code classes} shared class
     * columns; [N*rows, 5*anchors + classes] without a batch axis, else [N, rows, ...].
     */
    public static Path packed(Path dir, List<Integer> strides, int anchors, int classes, boolean batchAxis) {
        OnnxModelBuilder m = OnnxModelBuilder.opset(13).input("images", -1, 3, SIDE, SIDE);
        Random r = new Random(13);
        int k = 5 * anchors + classes;
        String[] parts = new String[strides.size()];
        for (int i = 0; i < strides.size(); i++) {
            parts[i] = "lvl" + strides.get(i);
            level(m, r, parts[i], strides.get(i), k, -1f, true);
        }
        m.node("Concat", parts).out(batchAxis ? "packed" : "rows").i("axis", 1).end();
        if (!batchAxis) {
            m.int64s("rows_shape", -1, k);
            m.node("Reshape", "rows", "rows_shape").out("packed").end();
        }
        return m.output("packed").write(dir);
    }

    /**
     * A NanoDet-like model whose head is shared across levels: per stride a feature conv (kernel = stride = s, 8
     * channels), then the same 1x1 {@code cls} and {@code reg} convolutions (one weight and one bias initializer
     * each, read by every level), outputs {@code cls<s>} [N, L, classes] and {@code reg<s>} [N, L, 4*(regMax+1)].
     */
    public static Path sharedHead(Path dir, List<Integer> strides, int classes, int regMax) {
        OnnxModelBuilder m = OnnxModelBuilder.opset(13).input("images", -1, 3, SIDE, SIDE);
        Random r = new Random(17);
        int feat = 8;
        int reg = 4 * (regMax + 1);
        m.initializer("head_cls_w", new long[] {classes, feat, 1, 1}, gaussian(r, classes * feat, 0.5f, 0f))
                .initializer("head_cls_b", new long[] {classes}, gaussian(r, classes, 0.5f, -2f))
                .initializer("head_reg_w", new long[] {reg, feat, 1, 1}, gaussian(r, reg * feat, 0.5f, 0f))
                .initializer("head_reg_b", new long[] {reg}, gaussian(r, reg, 0.5f, 0f));
        for (int s : strides) {
            m.initializer("feat" + s + "_w", new long[] {feat, 3, s, s}, gaussian(r, feat * 3 * s * s, 1f / s, 0f))
                    .node("Conv", "images", "feat" + s + "_w").out("feat" + s).ints("strides", s, s).end();
            for (String h : new String[] {"cls", "reg"}) {
                String name = h + s;
                m.node("Conv", "feat" + s, "head_" + h + "_w", "head_" + h + "_b").out(name + "_conv").end()
                        .node("Transpose", name + "_conv").out(name + "_nhwc").ints("perm", 0, 2, 3, 1).end()
                        .int64s(name + "_shape", 0, -1, h.equals("cls") ? classes : reg)
                        .node("Reshape", name + "_nhwc", name + "_shape").out(name).end()
                        .output(name);
            }
        }
        return m.write(dir);
    }

    private static float[] gaussian(Random r, int n, float sd, float mean) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = mean + (float) r.nextGaussian() * sd;
        }
        return v;
    }

    /** conv(kernel = stride = s) to {@code channels}, then [N, L, K] or, without a batch axis, [N*L, K]. */
    private static OnnxModelBuilder level(OnnxModelBuilder m, Random r, String name, int s, int channels, float bias,
            boolean batchAxis) {
        float[] w = new float[channels * 3 * s * s];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r.nextGaussian() * 2.0 / s);
        }
        float[] b = new float[channels];
        for (int i = 0; i < channels; i++) {
            b[i] = bias + (float) r.nextGaussian() * 0.5f;
        }
        return m.initializer(name + "_w", new long[] {channels, 3, s, s}, w)
                .initializer(name + "_b", new long[] {channels}, b)
                .node("Conv", "images", name + "_w", name + "_b").out(name + "_conv").ints("strides", s, s).end()
                .node("Transpose", name + "_conv").out(name + "_nhwc").ints("perm", 0, 2, 3, 1).end()
                .int64s(name + "_shape", batchAxis ? new long[] {0, -1, channels} : new long[] {-1, channels})
                .node("Reshape", name + "_nhwc", name + "_shape").out(name).end();
    }
}
