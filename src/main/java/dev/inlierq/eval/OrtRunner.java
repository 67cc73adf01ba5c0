package dev.inlierq.eval;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.tensor.FloatTensor;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs an ONNX model with ONNX Runtime (CPU), the deployment runtime: float models for reference outputs
 * and QDQ models for integer execution. Owns a native session: use in try-with-resources.
 */
public final class OrtRunner implements AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String inputName;

    /** Graph optimisation level used when executing. */
    public enum Optimization { NONE, BASIC, EXTENDED, ALL }

    public OrtRunner(Path model, int threads, Optimization level) {
        if (!Files.isRegularFile(model)) {
            throw new UserError(ExitCode.MISSING_INPUT, "model file not found: " + model);
        }
        env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(threads);
            opts.setInterOpNumThreads(1);
            opts.setOptimizationLevel(switch (level) {
                case NONE -> OrtSession.SessionOptions.OptLevel.NO_OPT;
                case BASIC -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
                case EXTENDED -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
                case ALL -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
            });
            session = env.createSession(model.toString(), opts);
        } catch (OrtException e) {
            throw new UserError(ExitCode.INVALID_MODEL, model + ": ONNX Runtime cannot load it ("
                    + firstLine(e.getMessage()) + ")");
        }
        inputName = session.getInputNames().iterator().next();
    }

    public OrtRunner(Path model, int threads) {
        this(model, threads, Optimization.ALL);
    }

    public String inputName() {
        return inputName;
    }

    /** Runs one batch; returns every output as float32 on the heap, in the model's output order. */
    public Map<String, FloatTensor> run(FloatTensor input) {
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input.data()), input.shape());
                OrtSession.Result r = session.run(Map.of(inputName, t))) {
            Map<String, FloatTensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, OnnxValue> e : r) {
                OnnxTensor o = (OnnxTensor) e.getValue();
                long[] shape = o.getInfo().getShape();
                FloatBuffer fb = o.getFloatBuffer();
                float[] data = new float[fb.remaining()];
                fb.get(data);
                out.put(e.getKey(), new FloatTensor(shape, data));
            }
            return out;
        } catch (OrtException e) {
            throw new UserError(ExitCode.RUNTIME_FAILURE, "ONNX Runtime failed: " + firstLine(e.getMessage()));
        }
    }

    public List<String> outputNames() {
        return List.copyOf(session.getOutputNames());
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
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
