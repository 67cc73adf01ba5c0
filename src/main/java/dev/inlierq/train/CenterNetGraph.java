package dev.inlierq.train;

import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.Graph;
import dev.inlierq.train.GraphAssembler.Init;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the CenterNet-style detector (Zhou, Wang and Krähenbühl, "Objects as Points", 2019) of an
 * {@link Architecture} as a graph, with weights drawn from a seed:
 * <pre>
 *   images [N,3,S,S] -> stem 3x3/2 conv, SiLU
 *   4 stages: 3x3/2 depthwise + 1x1 pointwise (SiLU after each), then residual blocks
 *             x + pw(SiLU(dw3x3(SiLU(pw(x)))))   (expansion e, linear projection back)   strides 4, 8, 16, 32
 *   neck: 1x1 lateral of stride 32, then for strides 16, 8, 4: upsample by 2 (nearest), add the 1x1 lateral of
 *         that stage, depthwise-separable 3x3 (SiLU)
 *   heads at stride 4: a trunk (dw 3x3, pw, SiLU) for the heatmap, one for size and offset; 1x1 outputs
 *   heatmap [N,C,S/4,S/4] logits, size [N,2,..] = exp(1x1 conv) (w, h in cells), offset [N,2,..] (sub-cell centre)
 * </pre>
 * There is no normalisation layer: a convolution's weights start Kaiming-normal (He et al., ICCV 2015), and each
 * residual branch's last projection at a tenth of that, so that every block starts near the identity (as in
 * Fixup, Zhang, Dauphin and Ma, ICLR 2019). The heatmap bias starts at -2.19 (a prior of 0.1, CenterNet's
 * choice; Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017, sec. 4.1), the offset bias at half a cell.
 * Sizes are predicted through an exponential (as FCOS does, Tian et al., ICCV 2019), so that a step changes them
 * by a ratio rather than by a number of cells; its bias starts at the log of a typical object side (30 pixels at
 * 320). The output is still the width and height in cells that the {@code centernet} head family reads.
 */
public final class CenterNetGraph {
    /** Input name (also the spec's {@code input.name}). */
    public static final String INPUT = "images";
    public static final String HEATMAP = "heatmap";
    public static final String SIZE = "size";
    public static final String OFFSET = "offset";
    /** CenterNet's heatmap bias: log(0.1 / 0.9). */
    static final float HEATMAP_BIAS = -2.19f;
    private static final double RESIDUAL_GAIN = 0.1;
    private static final double HEAD_STD = 0.01;

    private CenterNetGraph() {
    }

    /** The detector's graph, unprepared (as an ONNX file would hold it), weights drawn from {@code seed}. */
    public static Graph build(Architecture a, long seed) {
        GraphAssembler g = new GraphAssembler(seed);
        String x = g.silu(g.conv(INPUT, 3, a.stemWidth(), 3, 2, 1, Init.kaiming(1), null));
        int c = a.stemWidth();
        List<String> features = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int w = a.widths()[i];
            x = g.silu(g.conv(x, c, c, 3, 2, c, Init.kaiming(1), null));
            x = g.silu(g.conv(x, c, w, 1, 1, 1, Init.kaiming(1), null));
            c = w;
            for (int d = 0; d < a.depths()[i]; d++) {
                x = block(g, x, c, a.expansion());
            }
            features.add(x);
        }
        int n = a.neckWidth();
        String p = g.silu(g.conv(features.get(3), a.widths()[3], n, 1, 1, 1, Init.kaiming(1), null));
        for (int i = 2; i >= 0; i--) {
            String lateral = g.conv(features.get(i), a.widths()[i], n, 1, 1, 1, Init.kaiming(1), null);
            p = g.add(g.upsample2(p), lateral);
            p = g.silu(g.conv(p, n, n, 3, 1, n, Init.kaiming(1), null));
            p = g.silu(g.conv(p, n, n, 1, 1, 1, Init.kaiming(1), null));
        }
        int h = a.headWidth();
        String cls = trunk(g, p, n, h);
        g.conv(cls, h, a.numClasses(), 1, 1, 1, Init.normal(HEAD_STD, HEATMAP_BIAS), HEATMAP);
        String box = trunk(g, p, n, h);
        float side = 30f * a.inputSize() / 320 / Architecture.STRIDE;
        g.exp(g.conv(box, h, 2, 1, 1, 1, Init.normal(HEAD_STD, (float) Math.log(side)), null), SIZE);
        g.conv(box, h, 2, 1, 1, 1, Init.normal(HEAD_STD, 0.5f), OFFSET);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("inlierq.architecture", a.toString());
        meta.put("inlierq.init_seed", Long.toString(seed));
        return g.build(INPUT, a.inputSize(), List.of(HEATMAP, SIZE, OFFSET), meta);
    }

    /** {@code x + pw(SiLU(dw(SiLU(pw(x)))))}, the last projection starting small. */
    private static String block(GraphAssembler g, String x, int c, int expansion) {
        int e = c * expansion;
        String y = g.silu(g.conv(x, c, e, 1, 1, 1, Init.kaiming(1), null));
        y = g.silu(g.conv(y, e, e, 3, 1, e, Init.kaiming(1), null));
        y = g.conv(y, e, c, 1, 1, 1, Init.kaiming(RESIDUAL_GAIN), null);
        return g.add(x, y);
    }

    private static String trunk(GraphAssembler g, String p, int n, int h) {
        String t = g.silu(g.conv(p, n, n, 3, 1, n, Init.kaiming(1), null));
        return g.silu(g.conv(t, n, h, 1, 1, 1, Init.kaiming(1), null));
    }

    /** The same graph with these floating initializers replaced (trained weights), every other one kept. */
    public static Graph withWeights(Graph g, Map<String, float[]> weights) {
        Map<String, ConstTensor> inits = new LinkedHashMap<>(g.initializers());
        for (var e : weights.entrySet()) {
            ConstTensor old = inits.get(e.getKey());
            if (old == null || !old.isFloating()) {
                throw new IllegalArgumentException("no float initializer " + e.getKey());
            }
            inits.put(e.getKey(), ConstTensor.ofFloats(old.shape(), e.getValue()));
        }
        return g.withNodes(g.nodes(), inits, g.shapes());
    }

    /** The names of the trainable initializers (convolution weights and biases), in creation order. */
    public static List<String> parameters(Graph g) {
        return g.initializers().keySet().stream().filter(k -> k.endsWith(".weight") || k.endsWith(".bias")).toList();
    }
}
