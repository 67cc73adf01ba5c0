package dev.inlierq.engine;

import ai.djl.ndarray.NDArray;
import dev.inlierq.graph.Graph;
import dev.inlierq.quant.Encoding;
import dev.inlierq.tensor.FloatTensor;
import java.util.Map;

/**
 * Simulated quantized inference on the DJL engine: the graph's weights are already replaced by their
 * quantized-dequantized values, and every planned activation is fake-quantized ({@link FakeQuant}, ONNX
 * QuantizeLinear rounding and saturation) right after it is computed. What ONNX Runtime computes with
 * integer kernels on the exported QDQ model, up to accumulation order.
 */
public final class SimulatedRunner extends ExecutorRunner {
    private final Map<String, Encoding> activations;

    public SimulatedRunner(Graph quantizedWeights, Map<String, Encoding> activations) {
        super(new GraphExecutor(quantizedWeights));
        this.activations = Map.copyOf(activations);
    }

    /** The hook that fake-quantizes planned activations. */
    public ValueHook hook() {
        return (name, v) -> {
            Encoding e = activations.get(name);
            if (e == null) {
                return v;
            }
            NDArray q = FakeQuant.fakeQuant(v, e);
            return q;
        };
    }

    @Override
    public Map<String, FloatTensor> run(FloatTensor input) {
        return executor().runHooked(input, hook());
    }

    @Override
    public String engineName() {
        return "sim";
    }
}
