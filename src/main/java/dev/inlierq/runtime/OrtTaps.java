package dev.inlierq.runtime;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.tensor.FloatTensor;
import java.nio.FloatBuffer;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads intermediate tensors of a model from ONNX Runtime: a copy of the model, held in memory, lists the
 * requested tensors as extra graph outputs (a name only: ONNX Runtime infers the type), and one session runs it.
 * Only the tapped tensors of float type are read ({@link #tapped()}); integer tensors (QuantizeLinear codes,
 * shape arithmetic) are left out. Exposing a DequantizeLinear output keeps ONNX Runtime from fusing it into
 * an integer kernel, so a tapped QDQ model runs in QDQ float semantics; run the file itself ({@link OrtRunner})
 * for what deployment computes. Batch 1 only. Owns a native session: use in try-with-resources.
 */
public final class OrtTaps implements AutoCloseable {
    private final OrtSession session;
    private final String inputName;
    private final Map<String, long[]> inputs = new LinkedHashMap<>();
    private final List<String> outputs;
    private final Map<String, long[]> outputShapes = new LinkedHashMap<>();
    private final Set<String> tapped = new LinkedHashSet<>();

    /**
     * @param model   the parsed model ({@code dev.inlierq.onnx.OnnxReader#parse})
     * @param label   how errors name the model (its file)
     * @param taps    tensors to read besides the model's outputs (names no node produces are ignored)
     * @param threads intra-op threads
     */
    public OrtTaps(OnnxMl.ModelProto model, String label, Collection<String> taps, int threads) {
        this.outputs = model.getGraph().getOutputList().stream().map(OnnxMl.ValueInfoProto::getName).toList();
        byte[] bytes = withOutputs(model, taps).toByteArray();
        try (OrtSession.SessionOptions opts = OrtRunner.sessionOptions(threads, OrtRunner.Optimization.ALL)) {
            session = OrtNative.environment().createSession(bytes, opts);
        } catch (OrtException e) {
            throw new UserError(ExitCode.INVALID_MODEL, label + ": ONNX Runtime cannot load it ("
                    + OrtRunner.firstLine(e.getMessage()) + ")");
        }
        try {
            for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
                inputs.put(e.getKey(), e.getValue().getInfo() instanceof TensorInfo t ? t.getShape() : new long[0]);
            }
            inputName = inputs.keySet().iterator().next();
            for (Map.Entry<String, NodeInfo> e : session.getOutputInfo().entrySet()) {
                if (e.getValue().getInfo() instanceof TensorInfo t) {
                    if (t.type == OnnxJavaType.FLOAT) {
                        tapped.add(e.getKey());
                    }
                    if (outputs.contains(e.getKey())) {
                        outputShapes.put(e.getKey(), t.getShape());
                    }
                }
            }
        } catch (OrtException e) {
            close();
            throw new UserError(ExitCode.RUNTIME_FAILURE, label + ": cannot read its inputs and outputs ("
                    + OrtRunner.firstLine(e.getMessage()) + ")");
        }
    }

    /** The model with every tap that a node produces, and that is not an output already, added as an output. */
    static OnnxMl.ModelProto withOutputs(OnnxMl.ModelProto model, Collection<String> taps) {
        OnnxMl.GraphProto.Builder g = model.getGraph().toBuilder();
        Set<String> present = new HashSet<>();
        g.getOutputList().forEach(v -> present.add(v.getName()));
        Set<String> produced = new HashSet<>();
        g.getNodeList().forEach(n -> produced.addAll(n.getOutputList()));
        for (String t : taps) {
            if (produced.contains(t) && present.add(t)) {
                g.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(t));
            }
        }
        return model.toBuilder().setGraph(g).build();
    }

    /** The model's inputs with their declared shapes (dynamic dimensions as -1). */
    public Map<String, long[]> inputs() {
        return inputs;
    }

    /** The model's own outputs, in order. */
    public List<String> outputs() {
        return outputs;
    }

    /** The model's own outputs with their declared shapes (dynamic dimensions as -1). */
    public Map<String, long[]> outputShapes() {
        return outputShapes;
    }

    /** The float tensors a run returns: the model's float outputs and the float taps. */
    public Set<String> tapped() {
        return tapped;
    }

    /** Runs one image (batch 1) and returns every tensor of {@link #tapped()}, copied to the heap. */
    public Map<String, FloatTensor> run(FloatTensor input) {
        try (OnnxTensor t = OnnxTensor.createTensor(OrtNative.environment(), FloatBuffer.wrap(input.data()),
                input.shape()); OrtSession.Result r = session.run(Map.of(inputName, t), tapped)) {
            return OrtRunner.floats(r);
        } catch (OrtException e) {
            throw new UserError(ExitCode.RUNTIME_FAILURE, "ONNX Runtime failed: " + OrtRunner.firstLine(e.getMessage()));
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
