package dev.inlierq.api;

import dev.inlierq.tensor.FloatTensor;
import dev.inlierq.tensor.ModelRunner;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * Throughput of a model on one engine: a seeded random input of the model's shape at the chosen batch,
 * some warm-up runs, then timed runs; the median latency per batch is reported. Where the engine supports
 * it (DJL), the time per operator type per run is reported too ({@code opProfile}: op type to {calls per run,
 * milliseconds per run}), which is how the DJL overhead was located.
 */
public final class Benchmark {
    private Benchmark() {
    }

    /** One measurement; JSON keys follow the project convention. */
    public record Result(String model, String engine, int batch, int threads, double latencyMs, double imagesPerS,
            int iterations, double p10Ms, double p90Ms, Map<String, double[]> opProfile) {
    }

    public static Result run(String modelName, ModelRunner runner, int batch, int threads, int warmup, int iterations,
            long seed) {
        long[] shape = runner.inputShape();
        shape[0] = batch;
        float[] data = new float[(int) FloatTensor.numel(shape)];
        Random rnd = new Random(seed);
        for (int i = 0; i < data.length; i++) {
            data[i] = rnd.nextFloat();
        }
        FloatTensor x = new FloatTensor(shape, data);
        for (int i = 0; i < warmup; i++) {
            runner.run(x);
        }
        runner.startProfiling();
        double[] ms = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            runner.run(x);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Map<String, double[]> prof = new java.util.LinkedHashMap<>();
        runner.profile().entrySet().stream().sorted((p, q) -> Long.compare(q.getValue()[1], p.getValue()[1]))
                .forEach(e -> prof.put(e.getKey(), new double[] {(double) e.getValue()[0] / iterations,
                        e.getValue()[1] / 1e6 / iterations}));
        Arrays.sort(ms);
        double median = iterations % 2 == 1 ? ms[iterations / 2] : (ms[iterations / 2 - 1] + ms[iterations / 2]) / 2;
        return new Result(modelName, runner.engineName(), batch, threads, median, batch * 1000.0 / median, iterations,
                ms[iterations / 10], ms[Math.min(iterations - 1, iterations * 9 / 10)], prof);
    }
}
