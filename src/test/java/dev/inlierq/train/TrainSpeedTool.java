package dev.inlierq.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.inlierq.detect.NmsMode;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.engine.ValueHook;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Times the parts of a training step (not a test: run with -Dtest=TrainSpeedTool). */
class TrainSpeedTool {
    @Test
    void time() {
        int size = Integer.getInteger("size", 320);
        int batch = Integer.getInteger("batch", 16);
        Architecture.Builder ab = Architecture.builder().inputSize(size);
        if (System.getProperty("widths") != null) {
            int[] w = java.util.Arrays.stream(System.getProperty("widths").split(",")).mapToInt(Integer::parseInt).toArray();
            ab.stemWidth(w[0]).widths(w[1], w[2], w[3], w[4]);
        }
        if (System.getProperty("depths") != null) {
            ab.depths(java.util.Arrays.stream(System.getProperty("depths").split(",")).mapToInt(Integer::parseInt).toArray());
        }
        if (System.getProperty("neck") != null) {
            ab.neckWidth(Integer.getInteger("neck")).headWidth(Integer.getInteger("neck"));
        }
        Architecture a = ab.build();
        System.out.println(a);
        Graph g = CenterNetGraph.build(a, 0);
        SampleSource src = new SampleSource(Scenes.DEFAULT.config(8), DetectorSpecText.spec(a, NmsMode.NONE)
                .preprocessor(), Augmentation.DEFAULT, 0);
        BatchPipeline bp = new BatchPipeline(src, batch, 8, size, 1, 0);
        long t0 = System.nanoTime();
        BatchPipeline.Batch b = bp.build(0);
        bp.build(1);
        System.out.printf("data: %.1f ms/image%n", (System.nanoTime() - t0) / 1e6 / (2 * batch));
        bp.close();
        try (GraphExecutor exec = new GraphExecutor(GraphPreparer.prepare(g)); NDManager root = DjlRuntime.newManager()) {
            com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = 0;
            long wall0 = 0;
            for (int it = 0; it < 6; it++) {
                if (it == 2) {
                    exec.startProfiling();
                    cpu0 = os.getProcessCpuTime();
                    wall0 = System.nanoTime();
                }
                long s = System.nanoTime();
                long f;
                try (NDManager step = root.newSubManager(); GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                    Map<String, NDArray> ins = new HashMap<>();
                    for (String p : CenterNetGraph.parameters(g)) {
                        NDArray leaf = exec.constant(p).stopGradient();
                        leaf.attach(step);
                        leaf.setRequiresGradient(true);
                        ins.put(p, leaf);
                    }
                    ins.put("images", DjlRuntime.create(step, b.images().data(), new Shape(b.images().shape())));
                    Map<String, NDArray> outs = exec.forward(step, ins, ValueHook.NONE);
                    CenterNetLoss.Terms l = CenterNetLoss.compute(step, outs.get("heatmap"), outs.get("size"),
                            outs.get("offset"), b.targets());
                    l.total().getFloat();
                    f = System.nanoTime();
                    gc.backward(l.total());
                }
                System.out.printf("step %d: forward+loss %.0f ms, backward %.0f ms%n", it, (f - s) / 1e6,
                        (System.nanoTime() - f) / 1e6);
            }
            System.out.printf("CPU %.1f ms per image, wall %.1f ms per image%n", (os.getProcessCpuTime() - cpu0) / 1e6 / (4 * batch),
                    (System.nanoTime() - wall0) / 1e6 / (4 * batch));
            exec.profile().forEach((k, v) -> System.out.printf("  %s %d calls %.0f ms%n", k, v[0], v[1] / 1e6));
        }
    }
}
