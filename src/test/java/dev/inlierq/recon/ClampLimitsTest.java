package dev.inlierq.recon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.graph.Attributes;
import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.DType;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpType;
import dev.inlierq.graph.ValueInfo;
import dev.inlierq.quant.Encoding;
import dev.inlierq.quant.QuantSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Learned encodings of a clamp's quantizer stay inside the clamp, so ONNX Runtime can still drop it. */
class ClampLimitsTest {
    private static final long[] SHAPE = {1, 2, 2, 2};

    /** z -> gate = clip(z, 0, 1); z -> six = clip(z, 0, 6); z -> r = relu(z); z -> low = clip(z, -1, 1). */
    private static Graph graph() {
        Map<String, ConstTensor> inits = new LinkedHashMap<>();
        inits.put("zero", ConstTensor.scalar(0f));
        inits.put("one", ConstTensor.scalar(1f));
        inits.put("minus", ConstTensor.scalar(-1f));
        inits.put("six", ConstTensor.scalar(6f));
        List<Node> nodes = List.of(
                new Node("gate", OpType.Clip, List.of("z", "zero", "one"), List.of("gate"), Attributes.EMPTY),
                new Node("six", OpType.Clip, List.of("z", "zero", "six"), List.of("six_out"), Attributes.EMPTY),
                new Node("relu", OpType.Relu, List.of("z"), List.of("r"), Attributes.EMPTY),
                new Node("low", OpType.Clip, List.of("z", "minus", "one"), List.of("low_out"), Attributes.EMPTY));
        List<ValueInfo> outs = List.of(new ValueInfo("gate", DType.FLOAT, SHAPE),
                new ValueInfo("six_out", DType.FLOAT, SHAPE), new ValueInfo("r", DType.FLOAT, SHAPE),
                new ValueInfo("low_out", DType.FLOAT, SHAPE));
        return new Graph(nodes, inits, List.of(new ValueInfo("z", DType.FLOAT, SHAPE)), outs,
                Map.of("z", SHAPE), 13, Map.of());
    }

    private static Encoding uint8(float scale, int zeroPoint) {
        return new Encoding(QuantSpec.activationUint8(), new float[] {scale}, new int[] {zeroPoint});
    }

    @Test
    void aClipsUpperBoundCapsTheStepSize() {
        Graph g = graph();
        Encoding calibrated = Encoding.fromRange(QuantSpec.activationUint8(), 0f, 1f);
        Float cap = ClampLimits.maxScale(g, List.of("gate"), calibrated);
        assertNotNull(cap);
        assertTrue(cap * 255f <= 1f, "the largest representable value stays at the bound");
        assertTrue(cap >= calibrated.scale(0), "the calibrated encoding is within the cap");
        assertTrue(Math.nextUp(cap) * 255f > 1f, "and the cap is the largest such step");
        Float six = ClampLimits.maxScale(g, List.of("six_out"), uint8(5f / 255f, 0));
        assertEquals(6f / 255f, six, 1e-7f);
        assertTrue(six * 255f <= 6f);
        // a group holding both: the tighter bound
        assertEquals(cap, ClampLimits.maxScale(g, List.of("six_out", "gate"), uint8(0.5f / 255f, 0)));
    }

    @Test
    void noCapWithoutAnUpperBoundOrWhenCalibrationIsAlreadyBeyondIt() {
        Graph g = graph();
        assertNull(ClampLimits.maxScale(g, List.of("r"), uint8(0.1f, 0)), "Relu: no upper bound");
        assertNull(ClampLimits.maxScale(g, List.of("z"), uint8(0.1f, 0)), "the graph input: no clamp");
        assertNull(ClampLimits.maxScale(g, List.of("gate"), uint8(2f / 255f, 0)), "already beyond the bound");
        assertNull(ClampLimits.maxScale(g, List.of("low_out"), uint8(2f / 255f, 128)), "not a clamp at zero");
    }

    @Test
    void theZeroPointOfAClampsQuantizerIsNotLearned() {
        Graph g = graph();
        assertTrue(ClampLimits.clamped(g, List.of("gate")));
        assertTrue(ClampLimits.clamped(g, List.of("z", "r")));
        assertFalse(ClampLimits.clamped(g, List.of("z")));
        assertFalse(ClampLimits.clamped(g, List.of("low_out")));
    }
}
