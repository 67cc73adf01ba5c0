package dev.inlierq.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.quant.QuantSpec.IntRange;
import dev.inlierq.quant.QuantSpec.Role;
import dev.inlierq.quant.QuantSpec.Signedness;
import dev.inlierq.quant.QuantSpec.Symmetry;
import org.junit.jupiter.api.Test;

class QuantSpecTest {

    private static QuantSpec spec(int bits, Signedness sign, IntRange range) {
        return new QuantSpec(Role.ACTIVATION, bits, sign, Symmetry.ASYMMETRIC, range, Granularity.perTensor());
    }

    @Test
    void integerRanges() {
        assertRange(spec(8, Signedness.SIGNED, IntRange.FULL), -128, 127);
        assertRange(spec(8, Signedness.SIGNED, IntRange.NARROW), -127, 127);
        assertRange(spec(8, Signedness.UNSIGNED, IntRange.FULL), 0, 255);
        assertRange(spec(8, Signedness.UNSIGNED, IntRange.NARROW), 0, 254);
        assertRange(spec(4, Signedness.SIGNED, IntRange.FULL), -8, 7);
        assertRange(spec(4, Signedness.UNSIGNED, IntRange.FULL), 0, 15);
        assertRange(spec(2, Signedness.SIGNED, IntRange.FULL), -2, 1);
        assertRange(spec(2, Signedness.SIGNED, IntRange.NARROW), -1, 1);
        assertRange(spec(16, Signedness.UNSIGNED, IntRange.FULL), 0, 65535);
        assertRange(spec(16, Signedness.SIGNED, IntRange.NARROW), -32767, 32767);
        assertEquals(256, spec(8, Signedness.UNSIGNED, IntRange.FULL).levels());
        assertEquals(15, spec(4, Signedness.SIGNED, IntRange.NARROW).levels());
    }

    private static void assertRange(QuantSpec s, int qmin, int qmax) {
        assertEquals(qmin, s.qmin(), s.toString());
        assertEquals(qmax, s.qmax(), s.toString());
    }

    @Test
    void symmetricZeroPointIsTheMiddleCodeRoundedHalfToEven() {
        assertEquals(0, spec(8, Signedness.SIGNED, IntRange.FULL).symmetricZeroPoint()); // round(-0.5) = 0
        assertEquals(0, spec(8, Signedness.SIGNED, IntRange.NARROW).symmetricZeroPoint());
        assertEquals(128, spec(8, Signedness.UNSIGNED, IntRange.FULL).symmetricZeroPoint()); // round(127.5) = 128
        assertEquals(127, spec(8, Signedness.UNSIGNED, IntRange.NARROW).symmetricZeroPoint());
        assertEquals(0, spec(4, Signedness.SIGNED, IntRange.FULL).symmetricZeroPoint());
        assertEquals(8, spec(4, Signedness.UNSIGNED, IntRange.FULL).symmetricZeroPoint()); // round(7.5) = 8
    }

    @Test
    void presets() {
        QuantSpec w = QuantSpec.weightInt8PerChannel();
        assertEquals(Role.WEIGHT, w.role());
        assertEquals(8, w.bits());
        assertTrue(w.isSigned() && w.isSymmetric());
        assertEquals(-127, w.qmin());
        assertEquals(127, w.qmax());
        assertEquals(new Granularity.PerChannel(0), w.granularity());
        assertEquals(QuantSpec.Container.INT8, w.container());
        assertEquals(3, w.container().onnxDataType());

        QuantSpec w4 = QuantSpec.weight(4);
        assertEquals(-8, w4.qmin());
        assertEquals(7, w4.qmax());
        assertEquals(IntRange.FULL, w4.range());
        assertEquals(QuantSpec.Container.INT8, w4.container());

        QuantSpec a = QuantSpec.activationUint8();
        assertEquals(Role.ACTIVATION, a.role());
        assertEquals(0, a.qmin());
        assertEquals(255, a.qmax());
        assertTrue(!a.isSigned() && !a.isSymmetric());
        assertEquals(Granularity.perTensor(), a.granularity());
        assertEquals(QuantSpec.Container.UINT8, a.container());
        assertEquals(2, a.container().onnxDataType());

        QuantSpec a16 = QuantSpec.activation(16);
        assertEquals(65535, a16.qmax());
        assertEquals(QuantSpec.Container.UINT16, a16.container());
        assertEquals(QuantSpec.Container.INT16, a16.withSignedness(Signedness.SIGNED).container());
        assertEquals(QuantSpec.activation(4), QuantSpec.activationUint8().withBits(4));
    }

    @Test
    void fillsContainerTellsWhetherRunTimeQuantizeLinearSaturatesAtTheSpecRange() {
        assertTrue(QuantSpec.activationUint8().fillsContainer());
        assertTrue(QuantSpec.activation(16).fillsContainer());
        assertTrue(!QuantSpec.weightInt8PerChannel().fillsContainer()); // [-127, 127] in int8
        assertTrue(!QuantSpec.activation(4).fillsContainer()); // [0, 15] in uint8
        assertTrue(QuantSpec.weight(8).withRange(IntRange.FULL).fillsContainer());
    }

    @Test
    void validationSaysWhatWasExpectedAndWhatCame() {
        assertMessage("QuantSpec.bits: expected 2..8 for weights, got 16", () -> QuantSpec.weight(16));
        assertMessage("QuantSpec.bits: expected 2..8 or 16 for activations, got 12", () -> QuantSpec.activation(12));
        assertMessage("QuantSpec.bits: expected 2..8 or 16 for activations, got 1", () -> QuantSpec.activation(1));
        assertMessage("QuantSpec.bits: expected 2..8 for weights, got 9", () -> QuantSpec.weight(9));
        assertMessage("PerChannel.axis: expected an axis >= 0, got -1", () -> new Granularity.PerChannel(-1));
        assertMessage("PerGroup.groupSize: expected a group size >= 1, got 0", () -> new Granularity.PerGroup(1, 0));
        assertMessage("QuantSpec.signedness: expected a value, got null",
                () -> new QuantSpec(Role.WEIGHT, 8, null, Symmetry.SYMMETRIC, IntRange.FULL, Granularity.perTensor()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QuantSpec.activationUint8().withGranularity(Granularity.perGroup(1, 32)));
        assertTrue(e.getMessage().startsWith("QuantSpec.granularity: expected per-tensor or per-channel for activations"),
                e.getMessage());
        // weights may be grouped
        assertEquals(new Granularity.PerGroup(1, 32),
                QuantSpec.weight(4).withGranularity(Granularity.perGroup(1, 32)).granularity());
    }

    static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expected, e.getMessage());
    }
}
