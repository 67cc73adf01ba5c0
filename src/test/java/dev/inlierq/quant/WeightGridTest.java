package dev.inlierq.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Affine weight grids ({@link WeightGrid}): which layers get them, the specs they make, and the re-centred codes
 * the writer stores, which must stand for exactly the values of the affine grid.
 */
class WeightGridTest {

    @Test
    void autoIsAffineAtFourBitsOrFewerAndExplicitAsymmetricUpToSix() {
        for (int b = 2; b <= 8; b++) {
            assertFalse(WeightGrid.SYMMETRIC.affine(b));
            assertEquals(b <= 4, WeightGrid.AUTO.affine(b), "auto at " + b + " bits");
            assertEquals(b <= 6, WeightGrid.ASYMMETRIC.affine(b), "asymmetric at " + b + " bits");
        }
        QuantSpec four = WeightType.INT8.weightSpec(4, WeightGrid.AUTO);
        assertEquals(QuantSpec.Symmetry.ASYMMETRIC, four.symmetry());
        assertEquals(-8, four.qmin());
        assertEquals(7, four.qmax());
        assertEquals(WeightType.INT8.weightSpec(8), WeightType.INT8.weightSpec(8, WeightGrid.ASYMMETRIC),
                "8-bit layers keep the narrow symmetric grid");
        assertEquals(WeightType.INT7.weightSpec(8), WeightType.INT7.weightSpec(8, WeightGrid.ASYMMETRIC),
                "an 8-bit layer capped at 7 bits too");
        QuantSpec u = WeightType.UINT8.weightSpec(4, WeightGrid.ASYMMETRIC);
        assertEquals(QuantSpec.Signedness.UNSIGNED, u.signedness());
        assertEquals(QuantSpec.Symmetry.ASYMMETRIC, u.symmetry());
    }

    @Test
    void affineChannelsFitTheirLopsidedRangeBetterThanSymmetricOnes() {
        float[] w = new float[64];
        Random r = new Random(3);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (0.3 + 0.2 * r.nextGaussian()); // mostly positive, as many folded channels are
        }
        long[] shape = {2, 32};
        QuantSpec sym = WeightType.INT8.weightSpec(4).withGranularity(new Granularity.PerChannel(0));
        QuantSpec aff = WeightType.INT8.weightSpec(4, WeightGrid.AUTO).withGranularity(new Granularity.PerChannel(0));
        double es = error(w, WeightEncodings.mse(w, shape, sym).fakeQuantize(w, shape));
        double ea = error(w, WeightEncodings.mse(w, shape, aff).fakeQuantize(w, shape));
        assertTrue(ea < 0.7 * es, "affine " + ea + " against symmetric " + es);
    }

    @Test
    void recentredCodesStandForTheSameValuesOnOneZeroPoint() {
        Random r = new Random(7);
        long[] shape = {4, 3, 3, 3};
        float[] w = new float[108];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r.nextGaussian() + (i / 27) * 0.5); // each channel shifted further
        }
        for (WeightType type : new WeightType[] {WeightType.INT8, WeightType.UINT8}) {
            for (int bits = 2; bits <= WeightGrid.MAX_AFFINE_BITS; bits++) {
                QuantSpec spec = type.weightSpec(bits, WeightGrid.ASYMMETRIC)
                        .withGranularity(new Granularity.PerChannel(0));
                Encoding e = WeightEncodings.mse(w, shape, spec);
                Encoding stored = e.recentred();
                assertArrayEquals(e.scale(), stored.scale(), "the same scales");
                int z = stored.zeroPoint(0);
                assertEquals(type == WeightType.INT8 ? 0 : 127, z);
                for (int c = 1; c < stored.size(); c++) {
                    assertEquals(z, stored.zeroPoint(c), "one zero point for every channel");
                }
                byte[] codes = e.recentredBytes(w, shape);
                assertArrayEquals(e.fakeQuantize(w, shape), stored.dequantizeBytes(codes, shape),
                        type + " " + bits + " bits: the same reals");
                int spread = (1 << bits) - 1;
                for (byte b : codes) {
                    int q = type == WeightType.INT8 ? b : b & 0xFF;
                    assertTrue(Math.abs(q - z) <= spread, "code " + q + " within " + spread + " of " + z);
                }
            }
        }
        QuantSpec sym = WeightType.INT8.weightSpec(4).withGranularity(new Granularity.PerChannel(0));
        Encoding s = WeightEncodings.mse(w, shape, sym);
        assertSame(s, s.recentred(), "a symmetric encoding is written as it is");
        assertArrayEquals(s.quantizeToBytes(w, shape), s.recentredBytes(w, shape));
        QuantSpec act = QuantSpec.activationUint8();
        assertThrows(IllegalArgumentException.class, () -> Encoding.fromRange(act, -1f, 3f).recentred());
    }

    private static double error(float[] w, float[] q) {
        double e = 0;
        for (int i = 0; i < w.length; i++) {
            e += (w[i] - q[i]) * (double) (w[i] - q[i]);
        }
        return e;
    }
}
