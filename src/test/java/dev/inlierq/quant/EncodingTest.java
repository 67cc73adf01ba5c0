package dev.inlierq.quant;

import static dev.inlierq.quant.QuantSpecTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.quant.QuantSpec.IntRange;
import dev.inlierq.quant.QuantSpec.Signedness;
import dev.inlierq.quant.QuantSpec.Symmetry;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EncodingTest {
    private static final QuantSpec UINT8 = QuantSpec.activationUint8();
    private static final QuantSpec INT8_SYM = QuantSpec.weightInt8PerChannel().withGranularity(Granularity.perTensor());

    @Test
    void uint8RangeMinusOneToThreeGivesScaleFourOver255AndZeroPoint64() {
        Encoding e = Encoding.fromRange(UINT8, -1f, 3f);
        assertEquals((float) (4.0 / 255), e.scale(0));
        assertEquals(64, e.zeroPoint(0)); // round(0 - (-1) / (4/255)) = round(63.75)
        assertArrayEquals(new int[] {0, 64, 255, 255, 0}, e.quantize(new float[] {-1f, 0f, 3f, 3.5f, -2f}));
        assertEquals(0f, e.fakeQuantize(new float[] {0f})[0]); // 0 is exact
        // code 0 stands for -64 * 4/255, not -1: the zero point is rounded, the range is not exact
        assertEquals(-64 * e.scale(0), e.dequantize(new int[] {0})[0]);
        assertEquals(191 * e.scale(0), e.dequantize(new int[] {255})[0]);
    }

    @Test
    void symmetricInt8UsesMaxAbsAndNarrowRange() {
        Encoding e = Encoding.fromRange(INT8_SYM, -2f, 1f);
        assertEquals((float) (4.0 / 254), e.scale(0)); // (2 - (-2)) / (127 - (-127))
        assertEquals(0, e.zeroPoint(0));
        assertArrayEquals(new int[] {-127, 127, 127, -127, 0}, e.quantize(new float[] {-2f, 2f, 3f, -3f, 0f}));
    }

    @Test
    void signedFullRangeSymmetricFourBit() {
        QuantSpec w4 = QuantSpec.weight(4).withGranularity(Granularity.perTensor());
        Encoding e = Encoding.fromRange(w4, -1f, 0.5f);
        assertEquals((float) (2.0 / 15), e.scale(0));
        assertEquals(0, e.zeroPoint(0));
        // in float, 1 / (2/15) = 7.4999995: -7 and 7
        assertArrayEquals(new int[] {7, -7, 0}, e.quantize(new float[] {1f, -1f, 0f}));
        // range 7.5 gives scale 1 exactly: 7.5 -> 8 (half to even) saturates at 7, -7.5 -> -8
        Encoding one = Encoding.fromRange(w4, -7.5f, 2f);
        assertEquals(1f, one.scale(0));
        assertArrayEquals(new int[] {7, -8, -6, 6}, one.quantize(new float[] {7.5f, -7.5f, -6.5f, 6.5f}));
    }

    @Test
    void unsignedSymmetricZeroPoints() {
        QuantSpec u8sym = UINT8.withSymmetry(Symmetry.SYMMETRIC);
        Encoding full = Encoding.fromRange(u8sym, -1f, 2f);
        assertEquals(128, full.zeroPoint(0));
        assertEquals((float) (4.0 / 255), full.scale(0));
        Encoding narrow = Encoding.fromRange(u8sym.withRange(IntRange.NARROW), -1f, 2f);
        assertEquals(127, narrow.zeroPoint(0));
        assertEquals((float) (4.0 / 254), narrow.scale(0));
    }

    @Test
    void rangeIsWidenedToIncludeZero() {
        Encoding pos = Encoding.fromRange(UINT8, 2f, 5f);
        assertEquals((float) (5.0 / 255), pos.scale(0));
        assertEquals(0, pos.zeroPoint(0));
        QuantSpec s8 = UINT8.withSignedness(Signedness.SIGNED);
        Encoding neg = Encoding.fromRange(s8, -5f, -2f);
        assertEquals((float) (5.0 / 255), neg.scale(0));
        assertEquals(127, neg.zeroPoint(0)); // round(-128 + 5 / (5/255))
    }

    @Test
    void constantZeroTensorGetsScaleOne() {
        Encoding a = Encoding.fromRange(UINT8, 0f, 0f);
        assertEquals(1f, a.scale(0));
        assertEquals(0, a.zeroPoint(0));
        Encoding s = Encoding.fromRange(UINT8.withSymmetry(Symmetry.SYMMETRIC), 0f, 0f);
        assertEquals(1f, s.scale(0));
        assertEquals(128, s.zeroPoint(0));
        Encoding tiny = Encoding.fromRange(UINT8, 0f, Float.MIN_VALUE);
        assertEquals(1f, tiny.scale(0));
    }

    @Test
    void roundsHalfToEvenBeforeAddingTheZeroPoint() {
        QuantSpec s8 = UINT8.withSignedness(Signedness.SIGNED);
        Encoding e = Encoding.perTensor(s8, 1f, 0);
        float[] x = {0.5f, 1.5f, 2.5f, 3.5f, -0.5f, -1.5f, -2.5f, 0.49999997f, 2.5000002f};
        assertArrayEquals(new int[] {0, 2, 2, 4, 0, -2, -2, 0, 3}, e.quantize(x));
        // zero point 3: round(0.5) + 3 = 3, not round(0.5 + 3) = 4
        Encoding z3 = Encoding.perTensor(s8, 1f, 3);
        assertArrayEquals(new int[] {3, 5, 5, 7, 3, 1, 1}, z3.quantize(new float[] {0.5f, 1.5f, 2.5f, 3.5f, -0.5f,
            -1.5f, -2.5f}));
        // a power-of-two scale keeps the ties exact
        Encoding quarter = Encoding.perTensor(UINT8, 0.25f, 10);
        assertArrayEquals(new int[] {10, 12, 8, 11}, quarter.quantize(new float[] {0.125f, 0.375f, -0.375f, 0.2f}));
    }

    @Test
    void saturatesFarOutsideTheRange() {
        Encoding e = Encoding.fromRange(UINT8, -1f, 3f);
        float[] x = {1e30f, -1e30f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE, 1e9f, Float.NaN};
        assertArrayEquals(new int[] {255, 0, 255, 0, 255, 255, 0}, e.quantize(x));
        Encoding s = Encoding.fromRange(INT8_SYM, -1f, 1f);
        assertArrayEquals(new int[] {127, -127, -127}, s.quantize(new float[] {1e30f, -1e30f, Float.NaN}));
        assertEquals(191 * e.scale(0), e.fakeQuantize(new float[] {Float.POSITIVE_INFINITY})[0]);
    }

    @Test
    void dividesByTheScaleLikeQuantizeLinear() {
        // find values where x / s and x * (1 / s) round to different codes; quantize must follow the division
        Random rnd = new Random(11);
        int differing = 0;
        for (int t = 0; t < 200_000; t++) {
            float s = 0.001f + rnd.nextFloat();
            float x = (rnd.nextInt(200) - 100 + 0.5f) * s;
            QuantGrid g = new QuantGrid(s, 0, -32768, 32767);
            int byDivision = (int) Math.rint(x / s);
            int byReciprocal = (int) Math.rint(x * (1f / s));
            assertEquals(byDivision, g.quantize(x));
            if (byDivision != byReciprocal) {
                differing++;
            }
        }
        assertTrue(differing > 100, "the test must exercise values where the two differ, found " + differing);
    }

    @Test
    void perChannelOnAxisOne() {
        QuantSpec spec = INT8_SYM.withGranularity(Granularity.perChannel(1));
        Encoding e = new Encoding(spec, new float[] {1f, 0.5f, 0.25f}, new int[] {0, 0, 0});
        long[] shape = {2, 3, 2};
        float[] x = {1, 1, 1, 1, 1, 1, -2, 2, -2, 2, 100, -100};
        // element (n, c, k): channel c = (i / 2) % 3
        int[] want = {1, 1, 2, 2, 4, 4, -2, 2, -4, 4, 127, -127};
        assertArrayEquals(want, e.quantize(x, shape));
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, -2, 2, -2, 2, 31.75f, -31.75f}, e.dequantize(want, shape));
        assertArrayEquals(new long[] {3}, e.parameterShape(shape));
        IllegalArgumentException err = assertThrows(IllegalArgumentException.class,
                () -> e.quantize(new float[8], 2, 4));
        assertEquals("Encoding: expected 4 scales for PerChannel[axis=1] of shape [2, 4], got 3", err.getMessage());
        assertMessage("values: expected 12 values for shape [2, 3, 2], got 11", () -> e.quantize(new float[11], shape));
        assertMessage("PerChannel[axis=1]: expected a tensor of rank > 1, got shape [3]",
                () -> e.quantize(new float[3], 3));
    }

    @Test
    void perGroupFollowsOnnxBlockedLayout() {
        // shape [2, 5], axis 1, groups of 2 -> parameters [2, 3] (the last group holds one column)
        QuantSpec spec = QuantSpec.weight(4).withGranularity(Granularity.perGroup(1, 2));
        float[] scales = {1, 2, 4, 0.5f, 0.25f, 8};
        Encoding e = new Encoding(spec, scales, new int[6]);
        assertArrayEquals(new long[] {2, 3}, e.parameterShape(2, 5));
        float[] x = {3, 3, 3, 3, 3, 3, 3, 3, 3, 3};
        // row 0: scales 1,1,2,2,4 -> 3, 3, 2 (1.5 -> 2), 2, 1 (0.75 -> 1)
        // row 1: scales .5,.5,.25,.25,8 -> 6, 6, 7 (12 saturates), 7, 0 (0.375 -> 0)
        assertArrayEquals(new int[] {3, 3, 2, 2, 1, 6, 6, 7, 7, 0}, e.quantize(x, 2, 5));
        // axis 0 with an inner dimension: shape [5, 2], groups of 2 rows -> parameters [3, 2]
        QuantSpec rows = QuantSpec.weight(8).withGranularity(Granularity.perGroup(0, 2));
        Encoding r = new Encoding(rows, new float[] {1, 10, 0.5f, 5, 0.25f, 2.5f}, new int[6]);
        assertArrayEquals(new long[] {3, 2}, r.parameterShape(5, 2));
        float[] y = {10, 10, 10, 10, 10, 10, 10, 10, 10, 10};
        assertArrayEquals(new int[] {10, 1, 10, 1, 20, 2, 20, 2, 40, 4}, r.quantize(y, 5, 2));
    }

    @Test
    void signedFourBitCodesLiveInInt8Containers() {
        QuantSpec w4 = QuantSpec.weight(4).withGranularity(Granularity.perTensor());
        Encoding e = Encoding.fromRange(w4, -1f, 1f);
        float[] x = new float[41];
        for (int i = 0; i < x.length; i++) {
            x[i] = -1.2f + 0.06f * i;
        }
        byte[] b = e.quantizeToBytes(x);
        int[] q = e.quantize(x);
        for (int i = 0; i < b.length; i++) {
            assertTrue(b[i] >= -8 && b[i] <= 7, "code " + b[i]);
            assertEquals(q[i], b[i]);
        }
        assertEquals(-8, b[0]);
        assertEquals(7, b[b.length - 1]);
        assertArrayEquals(e.dequantize(q), e.dequantizeBytes(b));
        // unsigned codes are stored as their low 8 bits
        Encoding u = Encoding.fromRange(UINT8, 0f, 255f);
        byte[] ub = u.quantizeToBytes(new float[] {200f, 255f});
        assertEquals((byte) 200, ub[0]);
        assertArrayEquals(new float[] {200f, 255f}, u.dequantizeBytes(ub));
        IllegalArgumentException err = assertThrows(IllegalArgumentException.class,
                () -> Encoding.fromRange(QuantSpec.activation(16), 0f, 1f).quantizeToBytes(new float[1]));
        assertEquals("byte codes: expected an INT8 or UINT8 container (bits <= 8), got UINT16 (16 bits)",
                err.getMessage());
    }

    @Test
    void sixteenBitActivations() {
        Encoding e = Encoding.fromRange(QuantSpec.activation(16), -1f, 1f);
        assertEquals((float) (2.0 / 65535), e.scale(0));
        assertEquals(32768, e.zeroPoint(0)); // round(32767.5) = 32768
        assertArrayEquals(new int[] {0, 32768, 65535}, e.quantize(new float[] {-1f, 0f, 1f}));
    }

    @Test
    void constructorChecks() {
        assertMessage("Encoding.scale[0]: expected a finite scale > 0, got -1.0",
                () -> Encoding.perTensor(UINT8, -1f, 0));
        assertMessage("Encoding.scale[0]: expected a finite scale > 0, got NaN",
                () -> Encoding.perTensor(UINT8, Float.NaN, 0));
        assertMessage("Encoding.zeroPoint[0]: expected a value in [0, 255], got 300",
                () -> Encoding.perTensor(UINT8, 1f, 300));
        assertMessage("Encoding.zeroPoint[0]: expected 0 (symmetric signed grid), got 3",
                () -> Encoding.perTensor(INT8_SYM, 1f, 3));
        assertMessage("Encoding.scale: expected 1 scale for a per-tensor spec, got 2",
                () -> new Encoding(UINT8, new float[] {1, 1}, new int[] {0, 0}));
        assertMessage("Encoding.zeroPoint: expected 2 zero points (one per scale), got 1",
                () -> new Encoding(QuantSpec.weight(8), new float[] {1, 1}, new int[] {0}));
        assertMessage("range: expected min <= max, got [3.0, 1.0]", () -> Encoding.fromRange(UINT8, 3f, 1f));
        assertMessage("range: expected finite bounds, got [NaN, 1.0]", () -> Encoding.fromRange(UINT8, Float.NaN, 1f));
        assertMessage("dequantize: code[1]: expected a code in [0, 255], got 256",
                () -> Encoding.perTensor(UINT8, 1f, 0).dequantize(new int[] {0, 256}));
    }

    @Test
    void isImmutableAndComparedByValue() {
        float[] s = {1f, 2f};
        int[] z = {0, 0};
        Encoding e = new Encoding(QuantSpec.weight(8), s, z);
        s[0] = 5f;
        e.scale()[1] = 7f;
        assertEquals(1f, e.scale(0));
        assertEquals(2f, e.scale(1));
        assertEquals(e, new Encoding(QuantSpec.weight(8), new float[] {1f, 2f}, new int[] {0, 0}));
        assertEquals(e.hashCode(), new Encoding(QuantSpec.weight(8), new float[] {1f, 2f}, new int[] {0, 0}).hashCode());
        assertNotEquals(e, new Encoding(QuantSpec.weight(8), new float[] {1f, 3f}, new int[] {0, 0}));
    }
}
