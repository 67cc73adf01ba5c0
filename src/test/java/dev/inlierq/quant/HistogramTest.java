package dev.inlierq.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HistogramTest {

    @Test
    void binsAreLatticeCellsOfAPowerOfTwoWidth() {
        Histogram h = new Histogram(16, false);
        h.add(new float[] {0, 1, 2, 3});
        // smallest w = 2^e with floor(3 / w) - floor(0 / w) <= 15: w = 1/4 (12 <= 15; 1/8 gives 24)
        assertEquals(0.25, h.binWidth());
        assertEquals(0, h.latticeStart());
        long[] want = new long[16];
        want[0] = 1;
        want[4] = 1;
        want[8] = 1;
        want[12] = 1;
        assertArrayEquals(want, h.counts());
        assertEquals(1, h.zeros());
        assertEquals(0, h.zeroBin());

        Histogram s = new Histogram(16, false);
        s.add(new float[] {-1f, 0.3f});
        // w = 1/8: floor(2.4) - floor(-8) = 10 <= 15 (1/16 gives 20); the window starts at cell -8
        assertEquals(0.125, s.binWidth());
        assertEquals(-8, s.latticeStart());
        assertEquals(1, s.count(0));
        assertEquals(1, s.count(10));
        assertEquals(-1.0, s.binLower(0));
        assertEquals(8, s.zeroBin());
    }

    @Test
    void growsByMergingCellsExactly() {
        Histogram h = new Histogram(16, false);
        h.add(new float[] {0.1f, 0.2f, 0.3f});
        double w0 = h.binWidth();
        h.add(new float[] {100f});
        assertTrue(h.binWidth() > w0);
        Histogram direct = new Histogram(16, false);
        direct.add(new float[] {0.1f, 0.2f, 0.3f, 100f});
        assertTrue(h.sameAs(direct), h + " vs " + direct);
        h.add(new float[] {-50f});
        direct.add(new float[] {-50f});
        assertTrue(h.sameAs(direct), h + " vs " + direct);
        assertEquals(5, Arrays.stream(h.counts()).sum());
    }

    /** The same values in 1 batch or in 7 uneven batches give identical histograms (not only close ones). */
    @Test
    void resultDoesNotDependOnTheBatching() {
        Random rnd = new Random(7);
        float[] x = new float[300_000];
        for (int i = 0; i < x.length; i++) {
            // the range grows along the stream, so re-binning happens many times
            x[i] = (float) (rnd.nextGaussian() * (1 + i / 20_000.0)) + (i % 5000 == 0 ? 40f * (i / 50_000f) : 0f);
        }
        x[123] = 0f;
        x[77_777] = Float.NaN;
        int[] cuts = {0, 1, 17, 1_000, 50_001, 50_002, 199_999, x.length};
        for (boolean magnitude : new boolean[] {false, true}) {
            Histogram one = new Histogram(2048, magnitude);
            one.add(x);
            Histogram many = new Histogram(2048, magnitude);
            for (int b = 0; b + 1 < cuts.length; b++) {
                many.add(x, cuts[b], cuts[b + 1]);
            }
            assertTrue(one.sameAs(many), one + " vs " + many);
            assertEquals(x.length - 1, one.total());
            assertEquals(1, many.skipped());
            assertEquals(one.quantile(0.999), many.quantile(0.999));
        }
    }

    @Test
    void memoryStaysConstantOverManyBatches() {
        Histogram h = Histogram.signed();
        Random rnd = new Random(3);
        float[] batch = new float[1000];
        for (int b = 0; b < 2000; b++) {
            for (int i = 0; i < batch.length; i++) {
                batch[i] = (float) (rnd.nextGaussian() * (1 + b));
            }
            h.add(batch);
            assertEquals(2048, h.counts().length);
        }
        assertEquals(2_000_000, h.total());
        assertEquals(2_000_000, Arrays.stream(h.counts()).sum());
        assertTrue(h.lastOccupied() >= 1024, "the data covers at least half of the bins: " + h.lastOccupied());
    }

    @Test
    void nonFiniteValuesAreSkippedAndCounted() {
        Histogram h = new Histogram(64, false);
        h.add(new float[] {Float.NaN, Float.POSITIVE_INFINITY, 1f, Float.NEGATIVE_INFINITY});
        assertEquals(1, h.total());
        assertEquals(3, h.skipped());
        assertEquals(1.0, h.max());
        RunningMinMax r = new RunningMinMax();
        r.add(new float[] {Float.NaN, 2f, -3f, Float.POSITIVE_INFINITY});
        assertEquals(-3.0, r.min());
        assertEquals(2.0, r.max());
        assertEquals(2, r.skipped());
        assertTrue(new RunningMinMax().isEmpty());
        assertEquals(0.0, new RunningMinMax().max());
    }

    @Test
    void quantilesInterpolateWithinBinsAndHitTheExtremesExactly() {
        float[] x = new float[100_001];
        for (int i = 0; i < x.length; i++) {
            x[i] = -2f + 5f * i / (x.length - 1); // uniform on [-2, 3]
        }
        Histogram h = Histogram.signed();
        h.add(x);
        assertEquals(-2.0, h.quantile(0));
        assertEquals(3.0, h.quantile(1));
        assertEquals(0.5, h.quantile(0.5), 1e-3);
        assertEquals(2.5, h.quantile(0.9), 1e-3);
        // exact zeros are a point mass at 0
        Histogram z = new Histogram(64, false);
        z.add(new float[] {0, 0, 0, 0, 0, 0, 0, 0, 1, 2});
        assertEquals(0.0, z.quantile(0.5));
        assertEquals(0.0, z.quantile(0.8));
        assertEquals(2.0, z.quantile(1));
    }

    @Test
    void foldingToMagnitudesIsExact() {
        Random rnd = new Random(5);
        float[] x = new float[10_000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        Histogram s = Histogram.signed();
        s.add(x);
        Histogram folded = s.magnitudes();
        assertTrue(folded.isMagnitude());
        assertEquals(s.binWidth(), folded.binWidth());
        assertEquals(0, folded.latticeStart());
        // every magnitude falls in the folded cell floor(|x| / w)
        long[] want = new long[folded.bins()];
        for (float v : x) {
            want[(int) Math.floor(Math.abs(v) / folded.binWidth())]++;
        }
        assertArrayEquals(want, folded.counts());
        double maxAbs = 0;
        for (float v : x) {
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        assertEquals(maxAbs, folded.max());
    }
}
