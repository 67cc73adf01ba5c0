package dev.inlierq.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OrtFusionTest {

    @Test
    void splitsIntegerKernelsFromFloatLayers() {
        OrtFusion f = OrtFusion.of(Map.of("com.microsoft.QLinearConv", 67, "com.microsoft.QLinearConcat", 18,
                "Conv", 2, "com.microsoft.FusedConv", 1, "com.microsoft.nchwc.Conv", 3, "Transpose", 46,
                "DequantizeLinear", 10));
        assertEquals(Map.of("QLinearConv", 67, "QLinearConcat", 18), f.integerKernels());
        assertEquals(Map.of("Conv", 5, "FusedConv", 1), f.floatLayers());
        assertEquals("18 QLinearConcat, 67 QLinearConv; float layers: 5 Conv, 1 FusedConv", f.summary());
        assertEquals("no integer kernels; float layers: none", OrtFusion.of(Map.of("Relu", 1)).summary());
    }
}
