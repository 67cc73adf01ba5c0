package dev.inlierq.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.ValueInfo;
import dev.inlierq.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Executes a prepared graph ({@link GraphPreparer}) on DJL NDArrays with the PyTorch engine: float, batched,
 * differentiable. Every node is compiled once into a {@link Kernel}; a run walks the nodes in order and
 * closes each intermediate right after its last consumer, so native memory stays flat across thousands
 * of batches. Run inside a {@code GradientCollector} to record autograd; a {@link ValueHook} can observe or
 * replace any intermediate value (fake quantization, gradient probes).
 *
 * <p>Owns native memory: use in try-with-resources.
 */
public final class GraphExecutor implements AutoCloseable {
    private final Graph graph;
    private final NDManager constants;
    private final Map<String, NDArray> weights = new HashMap<>();
    private final List<Node> nodes;
    private final List<Kernel> kernels = new ArrayList<>();
    private final Map<String, Integer> lastUse = new HashMap<>();
    private final int[] siluInput;
    private final boolean batchable;
    private boolean closed;
    private Map<dev.inlierq.graph.OpType, long[]> profile;

    /** Starts (or resets) per-op-type timing of kernels: op type to {calls, nanoseconds}. */
    public void startProfiling() {
        profile = new java.util.EnumMap<>(dev.inlierq.graph.OpType.class);
    }

    /** Per-op-type {calls, nanoseconds} since {@link #startProfiling()}, or an empty map. */
    public Map<dev.inlierq.graph.OpType, long[]> profile() {
        return profile == null ? Map.of() : profile;
    }

    public GraphExecutor(Graph prepared) {
        this.graph = prepared;
        this.constants = DjlRuntime.newManager();
        this.nodes = prepared.nodes();
        this.batchable = GraphPreparer.isBatchable(prepared);
        try {
            for (var e : prepared.initializers().entrySet()) {
                weights.put(e.getKey(), toNd(constants, e.getValue()));
            }
            for (Node n : nodes) {
                kernels.add(Kernels.compile(n, prepared, constants));
            }
        } catch (RuntimeException e) {
            constants.close();
            throw e;
        }
        for (int i = 0; i < nodes.size(); i++) {
            for (String in : nodes.get(i).inputs()) {
                if (!in.isEmpty()) {
                    lastUse.put(in, i);
                }
            }
        }
        siluInput = findSiluMuls();
    }

    /**
     * For each Mul computing x * sigmoid(x) where the sigmoid has no other consumer, the input index of the
     * sigmoid; -1 elsewhere. Without autograd, such a Mul multiplies into the sigmoid's buffer in place.
     */
    private int[] findSiluMuls() {
        int[] r = new int[nodes.size()];
        java.util.Arrays.fill(r, -1);
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (n.op() != dev.inlierq.graph.OpType.Mul || n.inputs().size() != 2) {
                continue;
            }
            for (int k = 0; k < 2; k++) {
                Node p = graph.producer(n.input(k));
                if (p != null && p.op() == dev.inlierq.graph.OpType.Sigmoid && p.input(0).equals(n.input(1 - k))
                        && graph.consumers(n.input(k)).size() == 1 && !graph.isGraphOutput(n.input(k))
                        && java.util.Arrays.equals(graph.shape(n.input(k)), graph.shape(n.output()))) {
                    r[i] = k;
                }
            }
        }
        return r;
    }

    public Graph graph() {
        return graph;
    }

    /** The NDArray of a constant (weights, biases), owned by the executor. */
    public NDArray constant(String name) {
        return weights.get(name);
    }

    /** Runs a batch without gradients and returns every graph output on the heap. */
    public Map<String, FloatTensor> run(FloatTensor input) {
        return runHooked(input, ValueHook.NONE);
    }

    /**
     * Runs a batch without gradients and hands a heap copy of each value named in {@code observed} to
     * {@code sink} as soon as it is computed (calibration statistics, per-layer analysis). Returns the outputs.
     */
    public Map<String, FloatTensor> runObserving(FloatTensor input, java.util.Set<String> observed,
            java.util.function.BiConsumer<String, FloatTensor> sink) {
        return runHooked(input, (name, v) -> {
            if (observed.contains(name)) {
                sink.accept(name, heapCopy(v));
            }
            return v;
        });
    }

    /** A float32 copy of {@code v} on the Java heap. */
    public static FloatTensor heapCopy(NDArray v) {
        return new FloatTensor(v.getShape().getShape(), v.toType(DataType.FLOAT32, false).toFloatArray());
    }

    /** Runs a batch without gradients through a hook that may replace values (e.g. fake quantization). */
    public Map<String, FloatTensor> runHooked(FloatTensor input, ValueHook hook) {
        ensureOpen();
        try (NDManager scope = DjlRuntime.newManager()) {
            NDArray x = DjlRuntime.create(scope, input.data(), new Shape(input.shape()));
            String inName = graph.inputs().get(0).name();
            Map<String, NDArray> outs = forward(scope, Map.of(inName, x), hook);
            Map<String, FloatTensor> result = new LinkedHashMap<>();
            for (var e : outs.entrySet()) {
                result.put(e.getKey(), heapCopy(e.getValue()));
            }
            return result;
        }
    }

    /**
     * Runs the graph on arrays owned by the caller. {@code inputs} holds the graph inputs and, optionally,
     * replacements for constants (differentiable fake-quantized weights, for instance). Intermediates are attached to {@code scope} and closed
     * after their last consumer unless the hook retains them; the returned outputs belong to {@code scope}.
     */
    public Map<String, NDArray> forward(NDManager scope, Map<String, NDArray> inputs, ValueHook hook) {
        ensureOpen();
        NDArray first = inputs.get(graph.inputs().get(0).name());
        if (first == null) {
            throw new IllegalArgumentException("missing input '" + graph.inputs().get(0).name() + "'");
        }
        int batch = (int) first.getShape().get(0);
        if (batchable || batch == 1) {
            return forwardOnce(scope, inputs, hook, batch);
        }
        // the graph hard-codes its batch in a way we could not track: one sample at a time
        Map<String, List<NDArray>> parts = new LinkedHashMap<>();
        Set<String> graphInputs = new java.util.HashSet<>();
        graph.inputs().forEach(v -> graphInputs.add(v.name()));
        for (int b = 0; b < batch; b++) {
            Map<String, NDArray> one = new HashMap<>();
            List<NDArray> slices = new ArrayList<>();
            for (var e : inputs.entrySet()) {
                if (!graphInputs.contains(e.getKey())) {
                    one.put(e.getKey(), e.getValue()); // a constant override: not batched
                    continue;
                }
                NDArray s = e.getValue().get(b + ":" + (b + 1));
                s.attach(scope);
                one.put(e.getKey(), s);
                slices.add(s);
            }
            Map<String, NDArray> outs = forwardOnce(scope, one, hook, 1);
            outs.forEach((k, v) -> parts.computeIfAbsent(k, z -> new ArrayList<>()).add(v));
            slices.forEach(NDArray::close);
        }
        Map<String, NDArray> result = new LinkedHashMap<>();
        for (var e : parts.entrySet()) {
            NDArray c = NDArrays.concat(new NDList(e.getValue()), 0);
            c.attach(scope);
            e.getValue().forEach(NDArray::close);
            result.put(e.getKey(), c);
        }
        return result;
    }

    private Map<String, NDArray> forwardOnce(NDManager scope, Map<String, NDArray> inputs, ValueHook hook, int batch) {
        Set<String> outputNames = new java.util.HashSet<>();
        for (ValueInfo o : graph.outputs()) {
            outputNames.add(o.name());
        }
        Map<String, NDArray> values = seedValues(scope, inputs, hook);
        try {
            for (int i = 0; i < nodes.size(); i++) {
                Node n = nodes.get(i);
                NDArray[] args = gatherArgs(n, values);
                NDArray[] res = execute(i, n, args, inputs, hook, batch, values);
                storeOutputs(n, res, scope, hook, values);
                releaseInputs(i, n, inputs, hook, values, outputNames);
            }
        } catch (RuntimeException e) {
            for (var e2 : values.entrySet()) {
                if (!inputs.containsKey(e2.getKey())) {
                    e2.getValue().close();
                }
            }
            throw e;
        }
        Map<String, NDArray> result = new LinkedHashMap<>();
        for (ValueInfo o : graph.outputs()) {
            NDArray v = values.get(o.name());
            if (v == null && weights.containsKey(o.name())) {
                // an output the preparer folded to a constant: a copy the caller's scope owns
                v = weights.get(o.name()).duplicate();
                v.attach(scope);
            }
            result.put(o.name(), v);
        }
        return result;
    }

    /** The graph inputs (through the hook) and the constant overrides, by name. */
    private Map<String, NDArray> seedValues(NDManager scope, Map<String, NDArray> inputs, ValueHook hook) {
        Map<String, NDArray> values = new HashMap<>();
        for (ValueInfo in : graph.inputs()) {
            NDArray a = inputs.get(in.name());
            if (a == null) {
                throw new IllegalArgumentException("missing input '" + in.name() + "'");
            }
            NDArray h = hook.apply(in.name(), a);
            if (h != a) {
                h.attach(scope);
            }
            values.put(in.name(), h);
        }
        for (var e : inputs.entrySet()) {
            if (!values.containsKey(e.getKey())) {
                if (!weights.containsKey(e.getKey())) {
                    throw new IllegalArgumentException("'" + e.getKey() + "' is neither an input nor a constant");
                }
                values.put(e.getKey(), e.getValue()); // overrides a constant (e.g. a fake-quantized weight)
            }
        }
        return values;
    }

    /** The node's input arrays (null for omitted optional inputs): computed values, else constants. */
    private NDArray[] gatherArgs(Node n, Map<String, NDArray> values) {
        NDArray[] args = new NDArray[n.inputs().size()];
        for (int k = 0; k < args.length; k++) {
            String name = n.input(k);
            if (name.isEmpty()) {
                continue;
            }
            NDArray v = values.get(name);
            args[k] = v != null ? v : weights.get(name);
            if (args[k] == null) {
                throw new IllegalStateException(n + ": input '" + name + "' not computed");
            }
        }
        return args;
    }

    /**
     * Runs node i's kernel, or the in-place SiLU product when its sigmoid input is dead afterwards and no
     * gradient is recorded; records the time when profiling.
     */
    private NDArray[] execute(int i, Node n, NDArray[] args, Map<String, NDArray> inputs, ValueHook hook, int batch,
            Map<String, NDArray> values) {
        NDArray[] res;
        long t0 = profile == null ? 0 : System.nanoTime();
        try {
            int si = siluInput[i];
            if (si >= 0 && !ai.djl.pytorch.jni.JniUtils.isGradMode() && !hook.retain(n.input(si))
                    && !inputs.containsKey(n.input(si))) {
                args[si].muli(args[1 - si]);
                values.remove(n.input(si));
                res = new NDArray[] {args[si]};
            } else {
                res = kernels.get(i).run(args, batch);
            }
            if (profile != null) {
                long[] acc = profile.computeIfAbsent(n.op(), k -> new long[2]);
                acc[0]++;
                acc[1] += System.nanoTime() - t0;
            }
        } catch (RuntimeException e) {
            throw new EngineException(n + " failed: " + e.getMessage(), e);
        }
        return res;
    }

    /** Attaches the node's results to the scope and stores them (through the hook) by output name. */
    private static void storeOutputs(Node n, NDArray[] res, NDManager scope, ValueHook hook,
            Map<String, NDArray> values) {
        for (int k = 0; k < n.outputs().size() && k < res.length; k++) {
            String name = n.outputs().get(k);
            NDArray r = res[k];
            if (r.getManager() != scope) {
                r.attach(scope);
            }
            NDArray h = hook.apply(name, r);
            if (h != r) {
                h.attach(scope);
                if (!hook.retain(name)) {
                    r.close();
                }
            }
            values.put(name, h);
        }
    }

    /** Closes the values whose last reader is node i (unless they are outputs, caller-owned or retained). */
    private void releaseInputs(int i, Node n, Map<String, NDArray> inputs, ValueHook hook,
            Map<String, NDArray> values, Set<String> outputNames) {
        for (String in : n.inputs()) {
            if (in.isEmpty() || lastUse.getOrDefault(in, -1) != i || outputNames.contains(in)
                    || inputs.containsKey(in) || hook.retain(in)) {
                continue;
            }
            NDArray v = values.remove(in);
            if (v != null) {
                v.close();
            }
        }
    }

    static NDArray toNd(NDManager m, ConstTensor c) {
        Shape s = new Shape(c.shape());
        if (c.isFloating()) {
            return DjlRuntime.create(m, c.floats(), s);
        }
        return DjlRuntime.create(m, c.longs(), s);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("executor is closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            constants.close();
        }
    }
}
