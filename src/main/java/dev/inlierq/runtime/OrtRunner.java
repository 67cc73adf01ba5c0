package dev.inlierq.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UnsupportedModelException;
import dev.inlierq.error.UserError;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.onnx.OnnxWriter;
import dev.inlierq.report.OutputFile;
import dev.inlierq.tensor.FloatTensor;
import dev.inlierq.tensor.ModelRunner;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs an ONNX model with ONNX Runtime (CPU), the deployment runtime: float models for reference outputs
 * and QDQ models for integer execution. Models exported with a fixed batch of 1 (often with the batch also
 * hard-coded in Reshape targets) run at another batch size through a copy rewritten for that batch
 * ({@link OnnxWriter#toModel}); batch 1 always runs the file as given. Models our graph preparation cannot read
 * (operators only ONNX Runtime implements) and quantized models run such batches one sample at a time. Owns native sessions: use in
 * try-with-resources.
 */
public final class OrtRunner implements ModelRunner {
    /** Graph optimisation level used when executing. */
    public enum Optimization { NONE, BASIC, EXTENDED, ALL }

    private final OrtEnvironment env = OrtNative.environment();
    private final Path model;
    private final int threads;
    private final Optimization level;
    private final Map<Integer, OrtSession> sessions = new HashMap<>();
    private final OrtSession base;
    private final String inputName;
    private final long[] inputShape;
    private Graph prepared;
    /** Whether our preparation reads the model (null: not tried yet). */
    private Boolean rewritable;
    private Boolean quantized;
    /** Where ONNX Runtime writes its profiler trace (null: not profiling). */
    private final Path traceDir;
    private int baseRuns;
    private int runsAtProfileStart;
    private boolean profileEnded;

    public OrtRunner(Path model, int threads, Optimization level) {
        this(model, threads, level, false);
    }

    /**
     * @param profile turn on ONNX Runtime's profiler for batch-1 runs ({@link #profile()}); it slows every
     *                run, so latencies measured with it are not comparable with plain runs
     */
    public OrtRunner(Path model, int threads, Optimization level, boolean profile) {
        if (!Files.isRegularFile(model)) {
            throw new UserError(ExitCode.MISSING_INPUT, (Files.isDirectory(model)
                    ? "model path is a folder, not a model file: " : "model file not found: ") + model);
        }
        OnnxReader.requireFiniteInitializers(OnnxReader.parse(model), model.toAbsolutePath().getParent());
        this.model = model;
        this.threads = threads;
        this.level = level;
        try (OrtSession.SessionOptions opts = options()) {
            traceDir = profile ? Files.createTempDirectory("inlierq-ort-profile") : null;
            if (profile) {
                opts.enableProfiling(traceDir.resolve("trace").toString());
            }
            base = env.createSession(model.toString(), opts);
            inputName = base.getInputNames().iterator().next();
            inputShape = ((TensorInfo) base.getInputInfo().get(inputName).getInfo()).getShape();
        } catch (OrtException e) {
            throw new UserError(ExitCode.INVALID_MODEL, model + ": ONNX Runtime cannot load it ("
                    + firstLine(e.getMessage()) + ")");
        } catch (java.io.IOException e) {
            throw new UserError(ExitCode.RUNTIME_FAILURE, "cannot create a folder for ONNX Runtime's profile: " + e);
        }
    }

    @Override
    public void startProfiling() {
        runsAtProfileStart = baseRuns;
    }

    /**
     * Kernel time per op type (after ONNX Runtime's fusions, so QLinearConv, QuickGelu, ...) over the batch-1
     * runs since {@link #startProfiling()}; empty unless opened with profiling. Ends the profiler: later
     * calls return an empty map.
     */
    @Override
    public Map<String, long[]> profile() {
        if (traceDir == null || profileEnded || baseRuns == runsAtProfileStart) {
            return Map.of();
        }
        try {
            profileEnded = true;
            return OrtProfile.perOpType(Path.of(base.endProfiling()), runsAtProfileStart);
        } catch (OrtException | java.io.IOException e) {
            throw new UserError(ExitCode.RUNTIME_FAILURE, "cannot read ONNX Runtime's profile: " + firstLine(e.getMessage()));
        }
    }

    public OrtRunner(Path model, int threads) {
        this(model, threads, Optimization.ALL);
    }

    private OrtSession.SessionOptions options() throws OrtException {
        return sessionOptions(threads, level);
    }

    /** The session options of every ONNX Runtime session here (also {@link OrtTaps}'). */
    static OrtSession.SessionOptions sessionOptions(int threads, Optimization level) throws OrtException {
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        opts.setIntraOpNumThreads(threads);
        opts.setInterOpNumThreads(1);
        opts.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
        String disabled = System.getProperty("inlierq.ort.disable_optimizers", "");
        if (!disabled.isBlank()) {
            opts.addConfigEntry("optimization.disable_specified_optimizers", disabled);
        }
        opts.setOptimizationLevel(switch (level) {
            case NONE -> OrtSession.SessionOptions.OptLevel.NO_OPT;
            case BASIC -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
            case EXTENDED -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
            case ALL -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
        });
        return opts;
    }

    private boolean fixedBatch(int batch) {
        return !(batch == 1 || inputShape.length == 0 || inputShape[0] <= 0 || inputShape[0] == batch);
    }

    /**
     * A quantized (QDQ) model with a fixed batch runs one sample at a time: its batch-rewritten copy would
     * go through our graph preparation, which folds weight DequantizeLinear nodes into float weights and so
     * keeps ONNX Runtime from fusing the integer kernels the file was made for (and, measured on YOLOX-Nano,
     * changed its results).
     */
    private boolean quantized() {
        if (quantized == null) {
            quantized = OnnxReader.parse(model).getGraph().getNodeList().stream()
                    .anyMatch(n -> n.getOpType().equals("QuantizeLinear") || n.getOpType().equals("DequantizeLinear"));
        }
        return quantized;
    }

    /**
     * Whether our graph preparation reads the model, so that a copy for another batch can be written. A model
     * with operators only ONNX Runtime implements is not rewritten: it runs one sample at a time instead.
     */
    private boolean rewritable() {
        if (rewritable == null) {
            try {
                prepared = GraphPreparer.prepare(OnnxReader.read(model));
                rewritable = true;
            } catch (UnsupportedModelException e) {
                rewritable = false;
            }
        }
        return rewritable;
    }

    private OrtSession session(int batch) {
        if (!fixedBatch(batch)) {
            return base;
        }
        rewritable();
        return sessions.computeIfAbsent(batch, b -> {
            try {
                byte[] bytes = OnnxWriter.toModel(prepared, b).toByteArray();
                try (OrtSession.SessionOptions opts = options()) {
                    return env.createSession(bytes, opts);
                }
            } catch (OrtException e) {
                throw new UserError(ExitCode.RUNTIME_FAILURE, model + ": cannot run at batch " + b + " ("
                        + firstLine(e.getMessage()) + ")");
            }
        });
    }

    public String inputName() {
        return inputName;
    }

    @Override
    public long[] inputShape() {
        long[] s = inputShape.clone();
        if (s.length > 0) {
            s[0] = 1;
        }
        return s;
    }

    @Override
    public String engineName() {
        return "ort";
    }

    /** Runs one batch; returns every output as float32 on the heap, in the model's output order. */
    @Override
    public Map<String, FloatTensor> run(FloatTensor input) {
        return ModelRunner.requireFinite(runBatch(input), engineName());
    }

    private Map<String, FloatTensor> runBatch(FloatTensor input) {
        int batch = input.rank() == 0 ? 1 : (int) input.dim(0);
        if (fixedBatch(batch) && (quantized() || !rewritable())) {
            List<Map<String, FloatTensor>> parts = new java.util.ArrayList<>();
            for (int b = 0; b < batch; b++) {
                parts.add(runOn(base, input.sample(b)));
            }
            Map<String, FloatTensor> out = new LinkedHashMap<>();
            for (String name : parts.get(0).keySet()) {
                out.put(name, FloatTensor.stack(parts.stream().map(p -> p.get(name)).toList()));
            }
            return out;
        }
        return runOn(session(batch), input);
    }

    private Map<String, FloatTensor> runOn(OrtSession s, FloatTensor input) {
        if (s == base) {
            baseRuns++;
        }
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input.data()), input.shape());
                OrtSession.Result r = s.run(Map.of(inputName, t))) {
            return floats(r);
        } catch (OrtException e) {
            throw new UserError(ExitCode.RUNTIME_FAILURE, "ONNX Runtime failed: " + firstLine(e.getMessage()));
        }
    }

    /** Every (float) value of a run, copied to the heap, in the result's order. */
    static Map<String, FloatTensor> floats(OrtSession.Result r) throws OrtException {
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
    }

    /**
     * Op types (with their domain when not the default) of the graph ONNX Runtime actually executes after
     * its optimisations, with counts: shows which QDQ groups were fused into integer kernels.
     */
    public Map<String, Integer> optimizedOpCounts() {
        Path tmp = null;
        try {
            tmp = OutputFile.scratch("inlierq-optimized", ".onnx");
            try (OrtSession.SessionOptions opts = options()) {
                opts.setOptimizedModelFilePath(tmp.toString());
                try (OrtSession s = env.createSession(model.toString(), opts)) {
                    // creating the session writes the optimised graph
                }
            }
            Map<String, Integer> counts = new java.util.TreeMap<>();
            for (var n : OnnxReader.parse(tmp).getGraph().getNodeList()) {
                String key = n.getDomain().isEmpty() ? n.getOpType() : n.getDomain() + "." + n.getOpType();
                counts.merge(key, 1, Integer::sum);
            }
            return counts;
        } catch (OrtException | java.io.IOException e) {
            throw new UserError(ExitCode.RUNTIME_FAILURE, "cannot read ONNX Runtime's optimised graph: " + e.getMessage());
        } finally {
            OutputFile.deleteScratch(tmp);
        }
    }

    @Override
    public List<String> outputNames() {
        return List.copyOf(base.getOutputNames());
    }

    static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }

    @Override
    public void close() {
        try {
            base.close();
            if (traceDir != null) {
                try (var files = Files.list(traceDir)) {
                    for (Path f : files.toList()) {
                        Files.deleteIfExists(f);
                    }
                    Files.deleteIfExists(traceDir);
                } catch (java.io.IOException ignored) {
                    // a temporary folder
                }
            }
            for (OrtSession s : sessions.values()) {
                s.close();
            }
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
