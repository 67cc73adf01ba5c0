package dev.inlierq.sensitivity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.engine.EngineException;
import dev.inlierq.engine.FakeQuant;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.engine.ValueHook;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.graph.ConstTensor;
import dev.inlierq.quant.Encoding;
import dev.inlierq.tensor.FloatTensor;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * One quantizer switched on in the float model: a weight replaced by its quantized-dequantized values (passed to
 * the float engine as a constant override, so no graph or engine is built per layer), or an activation
 * fake-quantized right after it is computed (a {@link ValueHook}, as {@link dev.inlierq.engine.SimulatedRunner}
 * does for all of them). {@link #none()} is the float model itself. Owns the replaced constants: close it.
 */
final class Perturbation implements AutoCloseable {
    private final NDManager manager;
    private final Map<String, NDArray> constants;
    private final String activation;
    private final Encoding activationEncoding;

    private Perturbation(NDManager manager, Map<String, NDArray> constants, String activation,
            Encoding activationEncoding) {
        this.manager = manager;
        this.constants = constants;
        this.activation = activation;
        this.activationEncoding = activationEncoding;
    }

    /** The float model. */
    static Perturbation none() {
        return new Perturbation(null, Map.of(), null, null);
    }

    /**
     * The constants {@code values} (a weight as it will be rounded, and the bias its rounding corrected) in place
     * of the float graph's, everything else float. The engine's own constants are not touched: the values are
     * passed with each run as overrides.
     */
    static Perturbation constants(Map<String, ConstTensor> values) {
        NDManager m = DjlRuntime.newManager();
        try {
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            values.forEach((k, v) -> arrays.put(k, DjlRuntime.create(m, v.floats(), new Shape(v.shape()))));
            return new Perturbation(m, arrays, null, null);
        } catch (RuntimeException ex) {
            m.close();
            throw ex;
        }
    }

    /** The activation {@code tensor} fake-quantized with {@code e}, everything else float. */
    static Perturbation activation(String tensor, Encoding e) {
        return new Perturbation(null, Map.of(), tensor, e);
    }

    /**
     * The outputs of one batch on the heap, and a number per image computed from them on the engine.
     *
     * @param perImage {@code null} when nothing was asked for
     */
    record Pass(Map<String, FloatTensor> outputs, float[] perImage) {
    }

    /**
     * Runs a batch through {@code engine} (an engine of the float graph) with this quantizer on.
     *
     * @param perImage evaluated on the outputs while they are on the engine (e.g. a comparison by
     *                 {@link dev.inlierq.loss.TopKHeatmapLoss#shift}), or {@code null}
     * @throws UserError RUNTIME_FAILURE when the engine fails on the batch
     */
    Pass run(GraphExecutor engine, FloatTensor batch, Function<Map<String, NDArray>, float[]> perImage) {
        try (NDManager scope = DjlRuntime.newManager()) {
            Map<String, NDArray> inputs = new HashMap<>();
            inputs.put(engine.graph().inputs().get(0).name(),
                    DjlRuntime.create(scope, batch.data(), new Shape(batch.shape())));
            inputs.putAll(constants);
            Map<String, NDArray> outs = engine.forward(scope, inputs, hook());
            float[] values = perImage == null ? null : perImage.apply(outs);
            Map<String, FloatTensor> heap = new LinkedHashMap<>();
            outs.forEach((k, v) -> heap.put(k, GraphExecutor.heapCopy(v)));
            return new Pass(heap, values);
        } catch (EngineException e) {
            throw new UserError(ExitCode.RUNTIME_FAILURE, e.getMessage());
        }
    }

    private ValueHook hook() {
        if (activation == null) {
            return ValueHook.NONE;
        }
        return (name, v) -> name.equals(activation) ? FakeQuant.fakeQuant(v, activationEncoding) : v;
    }

    @Override
    public void close() {
        if (manager != null) {
            manager.close();
        }
    }
}
