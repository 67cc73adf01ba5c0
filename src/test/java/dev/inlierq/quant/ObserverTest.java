package dev.inlierq.quant;

import static dev.inlierq.quant.QuantSpecTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ObserverTest {
    private static final QuantSpec UINT8 = QuantSpec.activationUint8();
    private static final QuantSpec SYM8 = UINT8.withSignedness(QuantSpec.Signedness.SIGNED)
            .withSymmetry(QuantSpec.Symmetry.SYMMETRIC);

    static List<RangeEstimation> pooledPresets() {
        return List.of(RangeEstimation.MIN_MAX, RangeEstimation.PERCENTILE_99_99, RangeEstimation.ENTROPY,
                RangeEstimation.MSE, RangeEstimation.percentile(99.9));
    }

    /** An activation-like stream: [N, C, H, W] batches whose range grows (so histograms re-bin). */
    private static float[] activations(int n, int c, int hw, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[n * c * hw];
        for (int i = 0; i < x.length; i++) {
            int ch = (i / hw) % c;
            double v = rnd.nextGaussian() * (1 + ch) + 0.3 * ch;
            x[i] = (float) (i % 997 == 0 ? v * 20 * (1 + i / (double) x.length) : v);
        }
        return x;
    }

    /**
     * The same images fed as 1 batch or as 7 uneven batches give exactly the same encoding: the histogram is
     * batch-independent bit for bit (see {@link Histogram}), so no tolerance is needed.
     */
    @ParameterizedTest
    @MethodSource("pooledPresets")
    void pooledEncodingDoesNotDependOnTheBatching(RangeEstimation estimation) {
        int c = 3;
        int hw = 50;
        int images = 64;
        float[] all = activations(images, c, hw, 1);
        int[] cuts = {0, 1, 2, 10, 11, 30, 63, 64};
        for (QuantSpec spec : new QuantSpec[] {UINT8, SYM8, UINT8.withGranularity(Granularity.perChannel(1)),
            QuantSpec.activation(4)}) {
            Observer one = estimation.newObserver(spec);
            one.observe(all, images, c, 1, hw);
            Observer many = estimation.newObserver(spec);
            for (int b = 0; b + 1 < cuts.length; b++) {
                int n = cuts[b + 1] - cuts[b];
                float[] part = Arrays.copyOfRange(all, cuts[b] * c * hw, cuts[b + 1] * c * hw);
                many.observe(part, n, c, 1, hw);
            }
            assertEquals(7, many.batches());
            assertEquals(one.encoding(), many.encoding(), estimation + " " + spec);
            assertArrayEquals(one.ranges(), many.ranges());
        }
    }

    @Test
    void perChannelOnAxisOne() {
        // [N=2, C=3, H=1, W=2]
        float[] x = {1, 2, -3, 4, 5, 6, -1, 0, 7, 8, 9, -10};
        Observer o = RangeEstimation.MIN_MAX.newObserver(UINT8.withGranularity(Granularity.perChannel(1)));
        o.observe(x, 2, 3, 1, 2);
        Range[] r = o.ranges();
        assertArrayEquals(new Range[] {new Range(-1, 2), new Range(-3, 8), new Range(-10, 9)}, r);
        Encoding e = o.encoding();
        assertEquals(3, e.size());
        assertEquals(Encoding.fromRange(UINT8, -10f, 9f).scale(0), e.scale(2));
        // histogram observers keep one histogram per channel
        PooledObserver h = (PooledObserver) RangeEstimation.PERCENTILE_99_99.newObserver(
                SYM8.withGranularity(Granularity.perChannel(1)));
        h.observe(x, 2, 3, 1, 2);
        assertEquals(3, h.states().size());
        assertInstanceOf(Histogram.class, h.states().get(0));
        assertTrue(((Histogram) h.states().get(0)).isMagnitude());
        assertEquals(10.0, h.states().get(2).max());
        assertMessage("observe: expected 3 channels on axis 1, got 4 (shape [1, 4, 1, 1])",
                () -> h.observe(new float[4], 1, 4, 1, 1));
        assertMessage("observe: expected 12 values for shape [2, 3, 1, 2], got 11",
                () -> h.observe(new float[11], 2, 3, 1, 2));
    }

    @Test
    void batchMeanAveragesPerBatchRanges() {
        Observer o = RangeEstimation.MEAN_MIN_MAX.newObserver(UINT8);
        assertInstanceOf(BatchMeanObserver.class, o);
        o.observe(new float[] {-1, 0, 3});
        o.observe(new float[] {-3, 2, 1});
        o.observe(new float[] {Float.NaN}); // no finite data: not counted
        assertArrayEquals(new Range[] {new Range(-2, 2.5f)}, o.ranges());
        assertEquals(Encoding.fromRange(UINT8, -2f, 2.5f), o.encoding());
        // with a percentile, per batch then averaged
        Observer p = new RangeEstimation(new PercentileEstimator(100), RangeEstimation.Aggregation.BATCH_MEAN)
                .newObserver(UINT8);
        p.observe(new float[] {-1, 0, 3});
        p.observe(new float[] {-3, 2, 1});
        assertEquals(-2f, p.ranges()[0].min(), 1e-6);
        assertEquals(2.5f, p.ranges()[0].max(), 1e-6);
    }

    @Test
    void memoryIsBoundedWhateverTheNumberOfBatches() {
        PooledObserver o = (PooledObserver) RangeEstimation.ENTROPY.newObserver(
                UINT8.withGranularity(Granularity.perChannel(1)));
        Random rnd = new Random(2);
        float[] batch = new float[4 * 8 * 16];
        for (int b = 0; b < 500; b++) {
            for (int i = 0; i < batch.length; i++) {
                batch[i] = (float) (rnd.nextGaussian() * (1 + b % 50));
            }
            o.observe(batch, 4, 8, 4, 4);
            for (ChannelState s : o.states()) {
                assertEquals(Histogram.DEFAULT_BINS, ((Histogram) s).counts().length);
            }
        }
        assertEquals(8, o.states().size());
        assertEquals(500 * 4 * 16, o.states().get(0).total());
        assertEquals(8, o.ranges().length);
    }

    @Test
    void misuseIsReported() {
        Observer o = RangeEstimation.MSE.newObserver(UINT8);
        IllegalStateException e = assertThrows(IllegalStateException.class, o::ranges);
        assertTrue(e.getMessage().contains("has seen no batch"), e.getMessage());
        assertMessage("observer granularity: expected per-tensor or per-channel (per-group weights: WeightEncodings), "
                + "got PerGroup[axis=1, groupSize=32]",
                () -> RangeEstimation.MIN_MAX.newObserver(QuantSpec.weight(4).withGranularity(
                        Granularity.perGroup(1, 32))));
        assertMessage("histogramBins: expected 16..16777216, got 8",
                () -> RangeEstimation.ENTROPY.newObserver(UINT8, 8));
        Observer pc = RangeEstimation.MIN_MAX.newObserver(UINT8.withGranularity(Granularity.perChannel(2)));
        assertMessage("observe: expected a tensor of rank > 2 for per-channel axis 2, got shape [4, 3]",
                () -> pc.observe(new float[12], 4, 3));
        assertMessage("RangeEstimation.statistic: expected a value, got null",
                () -> new RangeEstimation(null, RangeEstimation.Aggregation.POOLED));
    }
}
