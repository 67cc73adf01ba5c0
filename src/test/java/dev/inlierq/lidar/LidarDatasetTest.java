package dev.inlierq.lidar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.detect.Detection;
import dev.inlierq.eval.CocoDataset;
import dev.inlierq.eval.CocoEvaluator;
import dev.inlierq.eval.CocoMetrics;
import dev.inlierq.synth.ImageEncoder;
import dev.inlierq.synth.ImageFormat;
import dev.inlierq.synth.Split;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated benchmark: the same bytes for the same seed whatever the thread count, labels that agree with the
 * returns, files that hold the in-memory rendering, and the COCO round trip through the project's own loader and
 * evaluator (the ground truth scored as detections has AP 1).
 */
class LidarDatasetTest {
    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    /** 12 default validation scenes, generated once. */
    private static LidarResult val12;
    private static final LidarConfig VAL12 = LidarConfig.builder().trainScenes(0).valScenes(12).build();

    @BeforeAll
    static void generateValidation() {
        val12 = LidarDataset.generate(VAL12, shared.resolve("val12"));
    }

    private static LidarConfig small(long seed, int threads) {
        return LidarConfig.builder().seed(seed).cells(128).trainScenes(3).valScenes(2).pointsOut(true)
                .threads(threads).build();
    }

    /** The content of every file under {@code root}, by path relative to it, in name order. */
    static TreeMap<String, byte[]> files(Path root) throws IOException {
        TreeMap<String, byte[]> out = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                out.put(root.relativize(file).toString(), Files.readAllBytes(file));
                return FileVisitResult.CONTINUE;
            }
        });
        return out;
    }

    @Test
    void renderingTwiceGivesTheSameSceneAndAnotherSeedAnother() {
        LidarFrame a = LidarDataset.render(VAL12, Split.TRAIN, 5);
        LidarFrame b = LidarDataset.render(VAL12, Split.TRAIN, 5);
        assertArrayEquals(a.x(), b.x());
        assertArrayEquals(a.z(), b.z());
        assertArrayEquals(a.intensity(), b.intensity());
        assertArrayEquals(a.pointBox(), b.pointBox());
        assertEquals(a.boxes(), b.boxes());
        assertArrayEquals(ImageEncoder.encode(a.bev(), ImageFormat.PNG),
                ImageEncoder.encode(b.bev(), ImageFormat.PNG));
        LidarFrame other = LidarDataset.render(VAL12.toBuilder().seed(1).build(), Split.TRAIN, 5);
        assertFalse(Arrays.equals(a.x(), other.x()));
        assertFalse(Arrays.equals(a.x(), LidarDataset.render(VAL12, Split.VAL, 5).x()), "splits differ");
    }

    @Test
    void oneAndTwoThreadsWriteTheSameBytes() throws Exception {
        TreeMap<String, byte[]> one = files(LidarDataset.generate(small(7, 1), tmp.resolve("a")).folder());
        TreeMap<String, byte[]> two = files(LidarDataset.generate(small(7, 2), tmp.resolve("b")).folder());
        assertEquals(one.keySet(), two.keySet());
        assertEquals(List.of("instances_train.json", "instances_val.json", "lidar.json", "points/train/000001.bin",
                "points/train/000002.bin", "points/train/000003.bin", "points/val/000001.bin", "points/val/000002.bin",
                "train/000001.png", "train/000002.png", "train/000003.png", "val/000001.png", "val/000002.png"),
                List.copyOf(one.keySet()));
        one.forEach((name, bytes) -> assertArrayEquals(bytes, two.get(name), name));
    }

    @Test
    void filesHoldTheInMemoryRendering() throws Exception {
        LidarConfig config = small(3, 2);
        LidarResult r = LidarDataset.generate(config, tmp.resolve("out"));
        LidarFrame frame = LidarDataset.render(config, Split.TRAIN, 1);
        BufferedImage file = ImageIO.read(r.images(Split.TRAIN).resolve("000002.png").toFile());
        for (int v = 0; v < 128; v++) {
            for (int u = 0; u < 128; u++) {
                assertEquals(frame.bev().getRGB(u, v), file.getRGB(u, v), "pixel " + u + "," + v);
            }
        }
        ByteBuffer points = ByteBuffer.wrap(Files.readAllBytes(r.points(Split.TRAIN).resolve("000002.bin")))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(16 * frame.points(), points.capacity());
        for (int i = 0; i < frame.points(); i++) {
            assertEquals(frame.x()[i], points.getFloat());
            assertEquals(frame.y()[i], points.getFloat());
            assertEquals(frame.z()[i], points.getFloat());
            assertEquals(frame.intensity()[i], points.getFloat());
        }
        CocoDataset ds = CocoDataset.load(r.annotations(Split.TRAIN));
        long annotated = ds.annotations().stream().filter(a -> a.imageId() == 2).count();
        assertEquals(frame.boxes().size(), annotated);
    }

    @Test
    void everyLabelHasEnoughReturnsAndHoldsTheirCells() {
        LidarConfig exact = VAL12.toBuilder().rangeNoise(0).build();
        int labelled = 0;
        for (int i = 0; i < 6; i++) {
            checkLabels(LidarDataset.render(exact, Split.VAL, i), exact, 0.01);
            // with range noise (sd 2 cm) a return may stray into the next cell
            LidarFrame noisy = LidarDataset.render(VAL12, Split.VAL, i);
            checkLabels(noisy, VAL12, 1);
            labelled += noisy.boxes().size();
            assertTrue(noisy.boxes().size() <= 27, "at most 27 objects are placed");
        }
        assertTrue(labelled >= 6 * 5, labelled + " labels in 6 scenes");
    }

    private static void checkLabels(LidarFrame frame, LidarConfig config, double slack) {
        double half = config.halfExtent();
        int[] counted = new int[frame.boxes().size()];
        for (int p = 0; p < frame.points(); p++) {
            int k = frame.pointBox()[p];
            if (k < 0) {
                continue;
            }
            counted[k]++;
            double u = Math.floor((frame.x()[p] + half) / config.cellSize());
            double v = Math.floor((half - frame.y()[p]) / config.cellSize());
            LidarBox b = frame.boxes().get(k);
            if (u < 0 || v < 0 || u >= config.cells() || v >= config.cells()) {
                continue;
            }
            String what = "cell " + u + "," + v + " of " + b;
            assertTrue(u + 1 >= b.x() - slack && u <= b.x() + b.w() + slack, what);
            assertTrue(v + 1 >= b.y() - slack && v <= b.y() + b.h() + slack, what);
        }
        for (int k = 0; k < counted.length; k++) {
            LidarBox b = frame.boxes().get(k);
            assertEquals(b.numPoints(), counted[k], b.toString());
            assertTrue(b.numPoints() >= config.minPoints(), b.toString());
            assertTrue(b.x() >= 0 && b.y() >= 0 && b.x() + b.w() <= config.cells() + 1e-9
                    && b.y() + b.h() <= config.cells() + 1e-9 && b.w() > 0 && b.h() > 0, b.toString());
        }
    }

    @Test
    void groundTruthAsDetectionsHasApOneWithTheProjectsEvaluator() {
        CocoDataset ds = CocoDataset.load(val12.annotations(Split.VAL));
        assertEquals(12, ds.images().size());
        assertEquals(List.of("car", "truck", "pedestrian", "cyclist"),
                ds.categories().stream().map(CocoDataset.Category::name).toList());
        Set<Integer> seen = new HashSet<>();
        ds.annotations().forEach(a -> seen.add(a.categoryId()));
        assertEquals(Set.of(1, 2, 3, 4), seen, "every class in 12 scenes");
        List<Detection> dets = ds.annotations().stream()
                .map(a -> new Detection(a.imageId(), a.categoryId(), a.x(), a.y(), a.w(), a.h(), 1.0)).toList();
        CocoMetrics m = new CocoEvaluator(ds).evaluate(dets);
        assertEquals(1.0, m.ap(), 1e-12);
        CocoMetrics half = new CocoEvaluator(ds).evaluate(dets.subList(0, dets.size() / 2));
        assertTrue(half.ap() < 0.9, "AP of half the boxes " + half.ap());
        LidarSplitSummary s = val12.splits().get(0);
        assertEquals(ds.annotations().size(), s.boxes());
        assertTrue(s.meanPoints() > 20_000 && s.minPoints() <= s.meanPoints(), s.toString());
    }
}
