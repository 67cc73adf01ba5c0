package dev.inlierq.runtime;

import dev.inlierq.engine.EngineException;
import dev.inlierq.engine.ExecutorRunner;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.tensor.FloatTensor;
import dev.inlierq.tensor.ModelRunner;
import java.nio.file.Path;
import java.util.Map;

/** The DJL engine behind the {@link ModelRunner} interface: reads, prepares and executes an ONNX file. */
public final class DjlRunner extends ExecutorRunner {
    public DjlRunner(Path model) {
        super(new GraphExecutor(GraphPreparer.prepare(OnnxReader.read(model))));
    }

    @Override
    public Map<String, FloatTensor> run(FloatTensor input) {
        try {
            return ModelRunner.requireFinite(executor().run(input), engineName());
        } catch (EngineException e) {
            throw new UserError(ExitCode.RUNTIME_FAILURE, e.getMessage());
        }
    }

    @Override
    public String engineName() {
        return "djl";
    }

    @Override
    public void startProfiling() {
        executor().startProfiling();
    }

    @Override
    public Map<String, long[]> profile() {
        Map<String, long[]> m = new java.util.LinkedHashMap<>();
        executor().profile().forEach((k, v) -> m.put(k.name(), v.clone()));
        return m;
    }
}
