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
import dev.inlierq.graph.Graph;
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
 * does for all of them). {@link #none()} is the float model itself. Owns the quantized weight: close it.
 */
final class Perturbation implements AutoCloseable {
    private final String weight;
    private final NDManager manager;
    private final NDArray weightValue;
    private final String activation;
    private final Encoding activationEncoding;

    private Perturbation(String weight, NDManager manager, NDArray weightValue, String activation,
            Encoding activationEncoding) {
        this.weight = weight;
        this.manager = manager;
        this.weightValue = weightValue;
        this.activation = activation;
        this.activationEncoding = activationEncoding;
    }

    /** The float model. */
    static Perturbation none() {
        return new Perturbation(null, null, null, null, null);
    }

    /** The weight {@code tensor} of {@code g} quantized with {@code e} (nearest rounding), everything else float. */
    static Perturbation weight(Graph g, String tensor, Encoding e) {
        ConstTensor w = g.constant(tensor);
        float[] q = e.fakeQuantize(w.floats(), w.shape());
        NDManager m = DjlRuntime.newManager();
        try {
            return new Perturbation(tensor, m, DjlRuntime.create(m, q, new Shape(w.shape())), null, null);
        } catch (RuntimeException ex) {
            m.close();
            throw ex;
        }
    }

    /** The activation {@code tensor} fake-quantized with {@code e}, everything else float. */
    static Perturbation activation(String tensor, Encoding e) {
        return new Perturbation(null, null, null, tensor, e);
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
            if (weight != null) {
                inputs.put(weight, weightValue);
            }
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
