package dev.inlierq.runtime;

import dev.inlierq.engine.EngineException;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.graph.ValueInfo;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.tensor.FloatTensor;
import dev.inlierq.tensor.ModelRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The DJL engine behind the {@link ModelRunner} interface: reads, prepares and executes an ONNX file. */
public final class DjlRunner implements ModelRunner {
    private final GraphExecutor executor;

    public DjlRunner(Path model) {
        Graph g = OnnxReader.read(model);
        executor = new GraphExecutor(GraphPreparer.prepare(g));
    }

    public GraphExecutor executor() {
        return executor;
    }

    @Override
    public Map<String, FloatTensor> run(FloatTensor input) {
        try {
            return ModelRunner.requireFinite(executor.run(input), engineName());
        } catch (EngineException e) {
            throw new UserError(ExitCode.RUNTIME_FAILURE, e.getMessage());
        }
    }

    @Override
    public long[] inputShape() {
        return executor.graph().inputs().get(0).shape();
    }

    @Override
    public String engineName() {
        return "djl";
    }

    @Override
    public List<String> outputNames() {
        return executor.graph().outputs().stream().map(ValueInfo::name).toList();
    }

    @Override
    public void startProfiling() {
        executor.startProfiling();
    }

    @Override
    public Map<String, long[]> profile() {
        Map<String, long[]> m = new java.util.LinkedHashMap<>();
        executor.profile().forEach((k, v) -> m.put(k.name(), v.clone()));
        return m;
    }

    @Override
    public void close() {
        executor.close();
    }
}
