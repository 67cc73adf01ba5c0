package dev.inlierq.calib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.graph.Attr;
import dev.inlierq.graph.Attributes;
import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.DType;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpType;
import dev.inlierq.graph.ValueInfo;
import dev.inlierq.quant.WeightGrid;
import dev.inlierq.testing.RandomData;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The per-activation equalisation strength: the least estimated error among no equalisation and each strength. */
class EqualizationSearchTest {
    private static final int C = 8;

    /** x [1, C, 4, 4] read by one 1x1 convolution of 16 output channels with Gaussian weights. */
    private static Graph reader(long seed) {
        return reader(RandomData.gaussian(new Random(seed), 16 * C, 0.3));
    }

    /** As {@link #reader(long)} with the given weights. */
    private static Graph reader(float[] w) {
        Node conv = new Node("conv", OpType.Conv, List.of("x", "w"), List.of("y"),
                new Attributes(Map.of("kernel_shape", new Attr.Ints(new long[] {1, 1}))));
        long[] in = {1, C, 4, 4};
        return new Graph(List.of(conv), Map.of("w", ConstTensor.ofFloats(new long[] {16, C, 1, 1}, w)),
                List.of(new ValueInfo("x", DType.FLOAT, in)), List.of(new ValueInfo("y", DType.FLOAT,
                new long[] {1, 16, 4, 4})), Map.of("x", in), 13, Map.of());
    }

    /** Ranges r and mean squares (r / 3)^2, channel 0 {@code outlier} times the others. */
    private static double[][] stats(double outlier) {
        double[] r = new double[C];
        double[] m = new double[C];
        for (int c = 0; c < C; c++) {
            r[c] = c == 0 ? outlier : 1.0 + 0.1 * c;
            m[c] = r[c] * r[c] / 9;
        }
        return new double[][] {r, m};
    }

    @Test
    void choosesTheCandidateOfLeastEstimatedError() {
        Graph g = reader(1);
        List<Node> readers = g.consumers("x");
        for (double outlier : new double[] {1.0, 20.0, 300.0}) {
            for (EqualizationSearch.Bits bits : List.of(new EqualizationSearch.Bits(4, 8),
                    new EqualizationSearch.Bits(8, 4), new EqualizationSearch.Bits(4, 4))) {
                double[][] st = stats(outlier);
                double[] none = new double[C];
                Arrays.fill(none, 1.0);
                double best = EqualizationSearch.error(none, st[0], st[1], readers, g, bits);
                double[] expected = null;
                for (double a : EqualizationSearch.STRENGTHS) {
                    double[] s = Equalization.factors(st[0], readers, g, a);
                    double e = EqualizationSearch.error(s, st[0], st[1], readers, g, bits);
                    if (e < best) {
                        best = e;
                        expected = s;
                    }
                }
                double[] chosen = EqualizationSearch.choose(st[0], st[1], readers, g, bits);
                String what = "outlier " + outlier + ", " + bits;
                if (expected == null) {
                    assertNull(chosen, what);
                } else {
                    assertArrayEquals(expected, chosen, what);
                }
            }
        }
    }

    @Test
    void anOutlierChannelIsEqualisedWhereTheActivationGridCannotHoldIt() {
        Graph g = reader(2);
        List<Node> readers = g.consumers("x");
        double[][] st = stats(300.0);
        // at 4-bit activations one channel 300 times the others leaves the rest in the zero code
        assertNotNull(EqualizationSearch.choose(st[0], st[1], readers, g, new EqualizationSearch.Bits(8, 4)));
        // the estimate is the weights' rounding error plus the activation's: both shrink with more bits
        double[] none = new double[C];
        Arrays.fill(none, 1.0);
        double e44 = EqualizationSearch.error(none, st[0], st[1], readers, g, new EqualizationSearch.Bits(4, 4));
        double e48 = EqualizationSearch.error(none, st[0], st[1], readers, g, new EqualizationSearch.Bits(4, 8));
        double e88 = EqualizationSearch.error(none, st[0], st[1], readers, g, new EqualizationSearch.Bits(8, 8));
        assertTrue(e44 > e48 && e48 > e88, e44 + " > " + e48 + " > " + e88);
        assertEquals(0, EqualizationSearch.error(none, new double[C], new double[C], readers, g,
                new EqualizationSearch.Bits(8, 8)), 1e-3 * e88, "no input: only the weights' error, weighted by 0");
    }

    @Test
    void theWeightErrorIsEstimatedOnTheRunsGrid() {
        // weights that lean to one side: an affine grid spends its 16 levels on [min w, max w] only
        float[] w = RandomData.gaussian(new Random(3), 16 * C, 0.3);
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.abs(w[i]) + 0.2f;
        }
        Graph lopsided = reader(w);
        List<Node> readers = lopsided.consumers("x");
        double[][] st = stats(1.0);
        double[] none = new double[C];
        Arrays.fill(none, 1.0);
        double symmetric = EqualizationSearch.error(none, st[0], st[1], readers, lopsided,
                new EqualizationSearch.Bits(4, 8, WeightGrid.SYMMETRIC));
        double affine = EqualizationSearch.error(none, st[0], st[1], readers, lopsided,
                new EqualizationSearch.Bits(4, 8, WeightGrid.AUTO));
        assertTrue(affine < 0.8 * symmetric, affine + " < 0.8 * " + symmetric);
        // 8-bit weights keep the symmetric grid under auto, so the estimate does not change
        assertEquals(EqualizationSearch.error(none, st[0], st[1], readers, lopsided,
                new EqualizationSearch.Bits(8, 8, WeightGrid.SYMMETRIC)), EqualizationSearch.error(none, st[0], st[1],
                readers, lopsided, new EqualizationSearch.Bits(8, 8, WeightGrid.AUTO)));
    }

    @Test
    void theStrengthsSwitchReplacesTheListAndRejectsWhatIsNotAStrength() {
        String key = "inlierq.equalize.strengths";
        try {
            assertArrayEquals(EqualizationSearch.STRENGTHS, EqualizationSearch.strengths());
            System.setProperty(key, "0, 0.5");
            assertArrayEquals(new double[] {0, 0.5}, EqualizationSearch.strengths());
            for (String bad : List.of("abc", "0.5,1.5", "")) {
                System.setProperty(key, bad);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        EqualizationSearch::strengths);
                assertTrue(e.getMessage().contains("got " + bad), e.getMessage());
            }
        } finally {
            System.clearProperty(key);
        }
    }
}
