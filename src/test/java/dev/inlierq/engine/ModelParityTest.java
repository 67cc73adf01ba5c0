package dev.inlierq.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.runtime.OrtRunner;
import dev.inlierq.tensor.FloatTensor;
import dev.inlierq.testing.Shared;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The DJL engine against ONNX Runtime on the three real detectors: same input tensor, every output within
 * max |djl - ort| / (max |ort| + 1e-6) <= 1e-4, at batch 1 and batch 3.
 */
public class ModelParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"yolox", "picodet", "fastestdet"})
    void djlMatchesOnnxRuntime(String model) {
        Path file = Shared.model(model);
        Graph g = GraphPreparer.prepare(OnnxReader.read(file));
        long[] in = g.inputs().get(0).shape();
        Random rnd = new Random(7);
        for (int batch : new int[] {1, 3}) {
            long[] shape = in.clone();
            shape[0] = batch;
            float[] data = new float[(int) FloatTensor.numel(shape)];
            float scale = model.equals("yolox") ? 255f : 1f;
            for (int i = 0; i < data.length; i++) {
                data[i] = rnd.nextFloat() * scale;
            }
            FloatTensor x = new FloatTensor(shape, data);
            Map<String, FloatTensor> djl;
            try (GraphExecutor ex = new GraphExecutor(g)) {
                djl = ex.run(x);
            }
            for (int b = 0; b < batch; b++) {
                Map<String, FloatTensor> ort;
                try (OrtRunner r = new OrtRunner(file, 2)) {
                    ort = r.run(x.sample(b));
                }
                for (var e : ort.entrySet()) {
                    FloatTensor d = djl.get(e.getKey()).sample(b);
                    assertArrayEquals(e.getValue().shape(), d.shape(), e.getKey());
                    double err = FloatTensor.maxRelativeError(e.getValue().data(), d.data());
                    assertTrue(err <= 1e-4, model + " output " + e.getKey() + " batch " + batch + " relative error " + err);
                }
            }
        }
    }
}
