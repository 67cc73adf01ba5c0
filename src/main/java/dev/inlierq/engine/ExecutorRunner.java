package dev.inlierq.engine;

import dev.inlierq.graph.ValueInfo;
import dev.inlierq.tensor.ModelRunner;
import java.util.List;

/**
 * A {@link ModelRunner} on the DJL engine: its graph's input shape and output names come from the
 * {@link GraphExecutor} it owns, which closing the runner closes. Subclasses say how a batch is run.
 */
public abstract class ExecutorRunner implements ModelRunner {
    private final GraphExecutor executor;

    protected ExecutorRunner(GraphExecutor executor) {
        this.executor = executor;
    }

    public final GraphExecutor executor() {
        return executor;
    }

    @Override
    public final long[] inputShape() {
        return executor.graph().inputs().get(0).shape();
    }

    @Override
    public final List<String> outputNames() {
        return executor.graph().outputs().stream().map(ValueInfo::name).toList();
    }

    @Override
    public final void close() {
        executor.close();
    }
}
