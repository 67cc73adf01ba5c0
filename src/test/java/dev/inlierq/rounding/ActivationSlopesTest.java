package dev.inlierq.rounding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpType;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.tensor.FloatTensor;
import dev.inlierq.testing.Shared;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The position weights: the mean over channels of the squared slope of ReLU and SiLU. */
class ActivationSlopesTest {
    @Test
    void everyConvolutionBeforeAReluOfFastestDetGetsAWeightPerOutputPosition() {
        Shared.require();
        Graph g = GraphPreparer.prepare(OnnxReader.read(Shared.model("fastestdet")));
        List<String> convs = g.nodes().stream().filter(n -> n.op() == OpType.Conv).map(Node::name).toList();
        long[] shape = g.inputs().get(0).shape().clone();
        shape[0] = 2;
        float[] x = new float[(int) (shape[0] * shape[1] * shape[2] * shape[3])];
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble();
        }
        FloatTensor batch = new FloatTensor(shape, x);
        try (GraphExecutor exec = new GraphExecutor(g)) {
            ActivationSlopes hook = new ActivationSlopes(g, g.nodes(), convs);
            exec.runHooked(batch, hook);
            exec.runHooked(batch, hook);
            Map<String, float[]> w = hook.weights();
            int relu = 0;
            for (Node n : g.nodes()) {
                boolean beforeRelu = n.op() == OpType.Conv && g.consumers(n.output()).size() == 1
                        && g.consumers(n.output()).get(0).op() == OpType.Relu;
                relu += beforeRelu ? 1 : 0;
                assertEquals(beforeRelu, w.containsKey(n.name()), n.name());
                if (beforeRelu) {
                    long[] out = g.shape(n.output());
                    float[] v = w.get(n.name());
                    assertEquals(4 * out[2] * out[3], v.length, n.name() + ": two batches of two images");
                    double sum = 0;
                    for (float f : v) {
                        assertTrue(f >= 0 && f <= 1 + 1e-5, n.name() + " " + f); // 1/c summed c times in float
                        sum += f;
                    }
                    assertTrue(sum > 0, n.name() + ": some channel passes the error somewhere");
                }
            }
            assertTrue(relu > 40, relu + " convolutions before a ReLU");
        }
    }

    @Test
    void reluCountsTheChannelsThatPassTheError() {
        // [1 image, 2 channels, 1 x 2]: position 0 open in both channels, position 1 in one of two
        float[] z = {1f, -1f, 2f, 3f};
        assertArrayEquals(new float[] {1f, 0.5f},
                ActivationSlopes.weights(z, new long[] {1, 2, 1, 2}, ActivationSlopes.Kind.RELU), 0f);
    }

    @Test
    void siluSlopeIsSigmoidPlusItsCorrection() {
        // SiLU'(z) = s + z s (1 - s), s = sigmoid(z): 0.5 at 0, about 1.0908 at 2, about -0.0908 at -2
        float[] z = {0f, 2f, -2f};
        double s2 = 1 / (1 + Math.exp(-2));
        double d2 = s2 + 2 * s2 * (1 - s2);
        double dm2 = (1 - s2) - 2 * (1 - s2) * s2;
        assertArrayEquals(new float[] {0.25f, (float) (d2 * d2), (float) (dm2 * dm2)},
                ActivationSlopes.weights(z, new long[] {1, 1, 1, 3}, ActivationSlopes.Kind.SILU), 1e-6f);
        // two images, two channels: each image's positions average its own channels
        float[] two = {0f, 0f, 2f, 2f, -2f, -2f, 0f, 0f};
        assertArrayEquals(new float[] {(float) ((0.25 + d2 * d2) / 2), (float) ((0.25 + d2 * d2) / 2),
                (float) ((dm2 * dm2 + 0.25) / 2), (float) ((dm2 * dm2 + 0.25) / 2)},
                ActivationSlopes.weights(two, new long[] {2, 2, 1, 2}, ActivationSlopes.Kind.SILU), 1e-6f);
    }
}
