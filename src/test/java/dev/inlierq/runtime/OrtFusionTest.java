package dev.inlierq.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
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

    @Test
    void mapsIterateInOpTypeOrderSoTheJsonIsTheSameBytesEveryRun() {
        OrtFusion f = OrtFusion.of(Map.of("com.microsoft.QLinearMul", 3, "com.microsoft.QLinearAdd", 2,
                "com.microsoft.QLinearConv", 9, "com.microsoft.QLinearSigmoid", 1, "MatMul", 4, "Conv", 1,
                "FusedConv", 2));
        assertEquals(List.of("QLinearAdd", "QLinearConv", "QLinearMul", "QLinearSigmoid"),
                List.copyOf(f.integerKernels().keySet()));
        assertEquals(List.of("Conv", "FusedConv", "MatMul"), List.copyOf(f.floatLayers().keySet()));
    }
}
