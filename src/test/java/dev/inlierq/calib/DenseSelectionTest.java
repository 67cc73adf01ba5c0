package dev.inlierq.calib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.api.EngineKind;
import dev.inlierq.api.Evaluation;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.eval.CocoDataset;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DenseSelection}: the images on which the float model finds the most confident detections. The counts are
 * checked against an independent path, the evaluator's detections of the same images run by ONNX Runtime; the
 * choice against those counts.
 */
class DenseSelectionTest {
    private static final int IMAGES = 10;

    @TempDir
    Path tmp;

    @Test
    void theRankingTakesTheMostDetectionsFirstAndBreaksTiesByName() {
        List<Path> files = List.of(Path.of("d.jpg"), Path.of("a.jpg"), Path.of("c.jpg"), Path.of("b.jpg"));
        assertEquals(List.of(2, 1, 3, 0), DenseSelection.ranked(new int[] {0, 4, 7, 4}, files));
        assertEquals(List.of(1, 3, 2, 0), DenseSelection.ranked(new int[] {1, 1, 1, 1}, files));
    }

    @Test
    void theDensestImagesOfTheFloatModelAreChosenWhateverTheSeed() throws Exception {
        DetectorSpec spec = DetectorSpecs.resolve("fastestdet");
        Path model = Shared.model("fastestdet");
        Path folder = Files.createDirectory(tmp.resolve("images"));
        List<Path> files = new ArrayList<>();
        for (Path f : Evaluation.match(Shared.valImages(), CocoDataset.load(Shared.valAnnotations()),
                IMAGES).files()) {
            files.add(Files.copy(f, folder.resolve(f.getFileName())));
        }
        files.sort(Comparator.naturalOrder());
        int[] byOrt = ortCounts(model, spec, folder);
        try (GraphExecutor engine = new GraphExecutor(GraphPreparer.prepare(OnnxReader.read(model)))) {
            assertArrayEquals(byOrt, DenseSelection.confidentDetections(engine, spec, files, 4),
                    "detections scoring 0.3 or more per image, as the evaluator finds them with ONNX Runtime");
            assertTrue(IntStream.of(byOrt).distinct().count() > 2, "the images differ in what the model finds");
            List<Path> expected = DenseSelection.ranked(byOrt, files).subList(0, 3).stream().map(files::get)
                    .sorted().toList();
            CalibrationSet seed0 = DenseSelection.choose(engine, spec, folder, 3, 0, 4);
            assertEquals(expected, seed0.files());
            assertEquals(expected, DenseSelection.choose(engine, spec, folder, 3, 7, 4).files(),
                    "the pool is the whole folder: the seed does not change the choice");
            assertNotEquals(seed0.files(), CalibrationSet.choose(folder, 3, 0).files(), "a draw is another choice");
            assertEquals(CalibrationSet.sha256(expected.get(0)), seed0.sha256().get(0));
            assertEquals(files, DenseSelection.choose(engine, spec, folder, IMAGES, 0, 4).files(),
                    "no more images than asked for: all of them");
        }
    }

    /** Per file (by name), the evaluator's detections scoring 0.3 or more, with ONNX Runtime. */
    private static int[] ortCounts(Path model, DetectorSpec spec, Path folder) {
        Evaluation.Result r = Evaluation.run(new Evaluation.Options(model, spec, folder, Shared.valAnnotations(),
                EngineKind.ORT, 4, 2, 0), n -> { });
        Evaluation.MatchedImages matched = Evaluation.match(folder,
                CocoDataset.load(Shared.valAnnotations()), 0);
        int[] counts = new int[matched.ids().size()];
        r.detections().stream().filter(d -> d.score() >= DenseSelection.MIN_SCORE)
                .forEach(d -> counts[matched.ids().indexOf(d.imageId())]++);
        return counts;
    }
}
