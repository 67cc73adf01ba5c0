package dev.inlierq.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class WeightEncodingsTest {

    @Test
    void perChannelMinMaxOnAxisZero() {
        // [Cout=2, 3]
        float[] w = {-1f, 2f, 0.5f, 4f, -0.5f, 1f};
        Encoding e = WeightEncodings.minMax(w, new long[] {2, 3}, QuantSpec.weightInt8PerChannel());
        assertArrayEquals(new float[] {(float) (4.0 / 254), (float) (8.0 / 254)}, e.scale());
        assertArrayEquals(new int[] {0, 0}, e.zeroPoint());
        assertArrayEquals(new int[] {-64, 127, 32, 127, -16, 32}, e.quantize(w, 2, 3));
    }

    @Test
    void perChannelOnAxisOne() {
        // [2, Cin=3]: channel c = column c
        float[] w = {1f, -2f, 0.25f, -3f, 0.5f, 0.125f};
        QuantSpec spec = QuantSpec.weight(8).withGranularity(Granularity.perChannel(1));
        Encoding e = WeightEncodings.minMax(w, new long[] {2, 3}, spec);
        assertArrayEquals(new float[] {(float) (6.0 / 254), (float) (4.0 / 254), (float) (0.5 / 254)}, e.scale());
    }

    @Test
    void perGroupRangesFollowTheBlockedLayout() {
        // [2, 5], groups of 2 along axis 1 -> [2, 3] parameters
        float[] w = {1, -2, 3, 4, 5, -6, 7, 8, -9, 10};
        QuantSpec spec = QuantSpec.weight(8).withGranularity(Granularity.perGroup(1, 2));
        Encoding e = WeightEncodings.minMax(w, new long[] {2, 5}, spec);
        float[] want = new float[6];
        float[] absMax = {2, 4, 5, 7, 9, 10};
        for (int i = 0; i < 6; i++) {
            want[i] = (float) (2.0 * absMax[i] / 254);
        }
        assertArrayEquals(want, e.scale());
        float[] y = e.fakeQuantize(w, 2, 5);
        for (int i = 0; i < w.length; i++) {
            assertEquals(w[i], y[i], Math.abs(w[i]) * 0.01);
        }
    }

    @Test
    void msePerChannelNeverLosesToMinMax() {
        Random rnd = new Random(4);
        int cout = 4;
        int k = 3 * 3 * 16;
        float[] w = new float[cout * k];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rnd.nextGaussian() * 0.1 * (1 + i / k));
        }
        w[5] = 0.8f; // channel 0: an 8-sigma outlier
        long[] shape = {cout, 16, 3, 3};
        QuantSpec spec = QuantSpec.weight(4);
        Encoding mm = WeightEncodings.minMax(w, shape, spec);
        Encoding mse = WeightEncodings.mse(w, shape, spec);
        float[] ym = mm.fakeQuantize(w, shape);
        float[] ys = mse.fakeQuantize(w, shape);
        for (int c = 0; c < cout; c++) {
            double em = 0;
            double es = 0;
            for (int i = c * k; i < (c + 1) * k; i++) {
                em += (w[i] - ym[i]) * (w[i] - ym[i]);
                es += (w[i] - ys[i]) * (w[i] - ys[i]);
            }
            assertTrue(es <= em, "channel " + c + ": mse " + es + " > min-max " + em);
            assertTrue(mse.scale(c) <= mm.scale(c));
        }
        for (int c = 0; c < cout; c++) {
            assertTrue(mse.scale(c) < 0.95 * mm.scale(c), "channel " + c + " is clipped");
        }
        // a lone 30-sigma outlier is kept: clipping it would cost more than the coarser rounding of the rest
        w[5] = 3f;
        assertEquals(WeightEncodings.minMax(w, shape, spec).scale(0), WeightEncodings.mse(w, shape, spec).scale(0));
    }

    @Test
    void anyEstimatorWorksOnRawWeights() {
        Random rnd = new Random(8);
        float[] w = new float[2 * 5000];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian();
        }
        long[] shape = {2, 5000};
        QuantSpec spec = QuantSpec.weightInt8PerChannel();
        Encoding p = WeightEncodings.compute(w, shape, spec, new PercentileEstimator(99));
        Encoding kl = WeightEncodings.compute(w, shape, spec, EntropyEstimator.DEFAULT);
        Encoding mm = WeightEncodings.minMax(w, shape, spec);
        for (int c = 0; c < 2; c++) {
            assertEquals(2.576 / 127, p.scale(c), 0.15 / 127); // P(|x| > 2.576) = 1%
            assertTrue(kl.scale(c) <= mm.scale(c));
        }
    }
}
