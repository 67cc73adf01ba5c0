package dev.inlierq.rounding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.inlierq.graph.Attributes;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpParams;
import dev.inlierq.graph.OpType;
import dev.inlierq.tensor.FloatTensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The position weights of {@link LayerHessians} ({@code H = sum_p w_p x_p x_p^T}, InlierQ's objective in GPTQ's
 * Hessian): weights of 1 are the unweighted sums bit for bit, weight 0 removes a patch, and other weights give
 * the weighted sums, with the image index running over the batches.
 */
class LayerHessiansTest {
    /** A convolution of {@code c} channels to 2, kernel {@code k x k}, stride 1, no padding, on {@code h x w}. */
    private static LayerHessians.Layer layer(int c, int k, int h, int w) {
        Node n = new Node("conv", OpType.Conv, List.of("x", "w"), List.of("y"), Attributes.EMPTY);
        long[] in = {1, c, h, w};
        long[] ws = {2, c, k, k};
        return new LayerHessians.Layer(n, OpParams.window(n, in, ws), in, ws);
    }

    /** The layer's input is the batch itself. */
    private static final LayerHessians.Source IDENTITY = (batch, names, sink) -> names.forEach(v -> sink.accept(v,
            batch));

    private static FloatTensor random(long seed, long... shape) {
        Random r = new Random(seed);
        float[] x = new float[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return new FloatTensor(shape, x);
    }

    private static LayerHessians.Layer collect(LayerHessians.Layer l, List<FloatTensor> batches, int positions,
            Map<String, float[]> weights) {
        LayerHessians.collect(IDENTITY, Map.of("conv", l), batches, positions, 7, weights);
        return l;
    }

    @Test
    void weightsOfOneGiveTheUnweightedHessianExactly() {
        List<FloatTensor> batches = List.of(random(1, 2, 3, 7, 7), random(2, 1, 3, 7, 7)); // 3 images, 5 x 5 outputs
        float[] ones = new float[3 * 5 * 5];
        Arrays.fill(ones, 1f);
        LayerHessians.Layer plain = collect(layer(3, 3, 7, 7), batches, 8, Map.of());
        LayerHessians.Layer weighted = collect(layer(3, 3, 7, 7), batches, 8, Map.of("conv", ones));
        assertEquals(3 * 8, plain.samples());
        assertEquals(plain.samples(), weighted.samples());
        assertEquals(plain.samples(), plain.weightSum(), 0);
        assertEquals(plain.weightSum(), weighted.weightSum(), 0);
        assertArrayEquals(plain.hessian(0), weighted.hessian(0), 0);
        assertArrayEquals(plain.mean(0), weighted.mean(0), 0);
        // the plain overload is the empty weight map
        LayerHessians.Layer again = layer(3, 3, 7, 7);
        LayerHessians.collect(IDENTITY, Map.of("conv", again), batches, 8, 7);
        assertArrayEquals(plain.hessian(0), again.hessian(0), 0);
    }

    @Test
    void weightZeroRemovesThePatchOfItsPosition() {
        // 1 x 1 kernel: the patch of a position is the input's channel vector there, so zeroing the input at that
        // position removes its patch from the unweighted sum
        FloatTensor x = random(3, 1, 4, 3, 3);
        int removed = 5; // (y, x) = (1, 2)
        float[] w = new float[9];
        Arrays.fill(w, 1f);
        w[removed] = 0;
        float[] zeroed = x.data().clone();
        for (int ch = 0; ch < 4; ch++) {
            zeroed[ch * 9 + removed] = 0;
        }
        LayerHessians.Layer weighted = collect(layer(4, 1, 3, 3), List.of(x), 100, Map.of("conv", w));
        LayerHessians.Layer without = collect(layer(4, 1, 3, 3), List.of(new FloatTensor(x.shape(), zeroed)), 100,
                Map.of());
        assertArrayEquals(without.hessian(0), weighted.hessian(0), 0);
        assertEquals(9, weighted.samples());
        assertEquals(8, weighted.weightSum(), 0);
        double[] mean = weighted.mean(0);
        for (int ch = 0; ch < 4; ch++) {
            double s = 0;
            for (int p = 0; p < 9; p++) {
                s += p == removed ? 0 : x.data()[ch * 9 + p];
            }
            assertEquals(s / 8, mean[ch], 1e-12, "mean of the 8 remaining patches, channel " + ch);
        }
    }

    @Test
    void positionWeightsScaleEachPatchsProduct() {
        // every position sampled: H = sum over images and positions of w x x^T, image index across batches
        List<FloatTensor> batches = List.of(random(4, 1, 2, 4, 4), random(5, 1, 2, 4, 4)); // 3 x 3 outputs each
        int d = 2 * 2 * 2;
        Random r = new Random(6);
        float[] w = new float[2 * 9];
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextFloat();
        }
        LayerHessians.Layer l = collect(layer(2, 2, 4, 4), batches, 100, Map.of("conv", w));
        double[] h = new double[d * d];
        double[] sum = new double[d];
        double total = 0;
        for (int img = 0; img < 2; img++) {
            float[] data = batches.get(img).data();
            for (int p = 0; p < 9; p++) {
                double[] patch = new double[d];
                for (int ch = 0; ch < 2; ch++) {
                    for (int k = 0; k < 4; k++) {
                        patch[ch * 4 + k] = data[(ch * 4 + p / 3 + k / 2) * 4 + p % 3 + k % 2];
                    }
                }
                double wp = w[img * 9 + p];
                total += wp;
                for (int i = 0; i < d; i++) {
                    sum[i] += wp * patch[i];
                    for (int j = 0; j < d; j++) {
                        h[i * d + j] += wp * patch[i] * patch[j];
                    }
                }
            }
        }
        assertArrayEquals(h, l.hessian(0), 1e-4);
        assertEquals(total, l.weightSum(), 1e-6);
        for (int i = 0; i < d; i++) {
            assertEquals(sum[i] / total, l.mean(0)[i], 1e-5);
        }
        // weights that do not cover the images are refused
        assertThrows(IllegalStateException.class,
                () -> collect(layer(2, 2, 4, 4), batches, 100, Map.of("conv", new float[9])));
    }
}
