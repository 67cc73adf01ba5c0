package dev.inlierq.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.inlierq.plan.Placement;
import org.junit.jupiter.api.Test;

class WeightTypeTest {

    @Test
    void autoResolvesByHostAndPlacement() {
        for (Placement p : Placement.values()) {
            WeightType t = WeightType.AUTO.resolve(p);
            if (WeightType.hostHasVnni()) {
                assertEquals(WeightType.INT8, t);
            } else {
                assertEquals(p == Placement.ALL_ACTIVATIONS ? WeightType.INT7 : WeightType.UINT8, t, p.name());
            }
            assertEquals(WeightType.INT8, WeightType.INT8.resolve(p), "explicit types stay");
            assertEquals(WeightType.INT7, WeightType.INT7.resolve(p));
        }
    }

    @Test
    void int7CapsEightBitLayersAndLeavesNarrowerOnes() {
        assertEquals(7, WeightType.INT7.bits(8));
        assertEquals(4, WeightType.INT7.bits(4));
        assertEquals(8, WeightType.INT8.bits(8));
        assertEquals(8, WeightType.UINT8.bits(8));
        assertEquals(QuantSpec.Signedness.SIGNED, WeightType.INT7.signedness());
        assertEquals(QuantSpec.Signedness.UNSIGNED, WeightType.UINT8.signedness());
        assertThrows(IllegalStateException.class, () -> WeightType.AUTO.bits(8));
        assertThrows(IllegalStateException.class, WeightType.AUTO::signedness);
    }
}
