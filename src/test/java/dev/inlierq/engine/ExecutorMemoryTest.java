package dev.inlierq.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.tensor.FloatTensor;
import dev.inlierq.testing.Shared;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The executor closes every intermediate: 200 batch-2 forward passes of YOLOX-Nano must not grow the
 * process's resident memory by 200 MB or more between pass 20 (warm) and pass 200. About 40 s on the
 * 2-core machine, so it stays in the default suite. Skipped when the shared folder is absent.
 */
class ExecutorMemoryTest {
    static final int PASSES = 200;
    static final int WARM = 20;
    static final long LIMIT_BYTES = 200L << 20;

    @Test
    void residentMemoryStaysFlatOverManyBatches() throws IOException {
        Path file = Shared.model("yolox");
        Graph g = GraphPreparer.prepare(OnnxReader.read(file));
        long[] shape = g.inputs().get(0).shape();
        shape[0] = 2;
        float[] data = new float[(int) FloatTensor.numel(shape)];
        Random rnd = new Random(1);
        for (int i = 0; i < data.length; i++) {
            data[i] = rnd.nextFloat() * 255f;
        }
        FloatTensor x = new FloatTensor(shape, data);
        long warm = 0;
        long end = 0;
        long start = System.nanoTime();
        double checksum = 0;
        try (GraphExecutor ex = new GraphExecutor(g)) {
            for (int pass = 1; pass <= PASSES; pass++) {
                Map<String, FloatTensor> out = ex.run(x);
                checksum += out.values().iterator().next().data()[0];
                if (pass == WARM) {
                    warm = settledRssBytes();
                } else if (pass == PASSES) {
                    end = settledRssBytes();
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("ExecutorMemoryTest: %d passes in %.1f s, RSS at pass %d: %d MB, at pass %d: %d MB (checksum %s)%n",
                PASSES, seconds, WARM, warm >> 20, PASSES, end >> 20, checksum);
        assertTrue(end - warm < LIMIT_BYTES, "RSS grew by " + ((end - warm) >> 20) + " MB between pass " + WARM
                + " and pass " + PASSES + " (limit " + (LIMIT_BYTES >> 20) + " MB)");
    }

    /**
     * RSS after a full GC, so that Java heap churn (the heap copies run() makes) and direct buffers awaiting
     * their cleaner are not mistaken for native growth; leaked libtorch tensors stay reachable from their
     * manager and survive it.
     */
    static long settledRssBytes() throws IOException {
        System.gc();
        try {
            Thread.sleep(200); // let cleaners of collected direct buffers run
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return rssBytes();
    }

    /** VmRSS of this process, from /proc/self/status. */
    static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring(6).trim().split("\\s+");
                return Long.parseLong(parts[0]) * 1024L;
            }
        }
        throw new IllegalStateException("no VmRSS line in /proc/self/status");
    }
}
