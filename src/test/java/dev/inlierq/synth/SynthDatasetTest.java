package dev.inlierq.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inlierq.detect.Detection;
import dev.inlierq.detect.image.ByteImage;
import dev.inlierq.detect.image.ChannelOrder;
import dev.inlierq.detect.image.ImageLoader;
import dev.inlierq.eval.CocoDataset;
import dev.inlierq.eval.CocoEvaluator;
import dev.inlierq.eval.CocoMetrics;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated benchmark: same seed same bytes (whatever the thread count), another seed other images, sane boxes
 * and classes on a default-size validation split of 20 images, and the COCO round trip through the project's own
 * loader and evaluator.
 */
class SynthDatasetTest {
    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    /** 20 default validation images (320 px, all classes, distractors, noise 1), generated once. */
    private static SynthResult val20;

    @BeforeAll
    static void generateValidation() {
        val20 = SynthDataset.generate(SynthConfig.builder().seed(0).trainImages(0).valImages(20).build(),
                shared.resolve("val20"));
    }

    private static SynthConfig small(long seed, int threads) {
        return SynthConfig.builder().seed(seed).imageSize(160).trainImages(4).valImages(3).threads(threads).build();
    }

    /** Every file under {@code root}, by relative path. */
    private static TreeMap<String, byte[]> files(Path root) throws Exception {
        TreeMap<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }

    @Test
    void sameSeedGivesTheSameBytesWhateverTheThreads() throws Exception {
        TreeMap<String, byte[]> one = files(SynthDataset.generate(small(7, 1), tmp.resolve("a")).folder());
        TreeMap<String, byte[]> two = files(SynthDataset.generate(small(7, 2), tmp.resolve("b")).folder());
        assertEquals(one.keySet(), two.keySet());
        assertTrue(one.keySet().containsAll(List.of("synth.json", "instances_train.json", "instances_val.json",
                "train/000001.jpg", "train/000004.jpg", "val/000003.jpg")), one.keySet().toString());
        assertEquals(4 + 3 + 3, one.size(), "images, two annotation files and the manifest: " + one.keySet());
        one.forEach((name, bytes) -> assertArrayEquals(bytes, two.get(name), name));
    }

    @Test
    void anotherSeedGivesOtherImages() throws Exception {
        TreeMap<String, byte[]> a = files(SynthDataset.generate(small(7, 2), tmp.resolve("a")).folder());
        TreeMap<String, byte[]> b = files(SynthDataset.generate(small(8, 2), tmp.resolve("b")).folder());
        assertEquals(a.keySet(), b.keySet());
        for (String name : a.keySet()) {
            assertFalse(java.util.Arrays.equals(a.get(name), b.get(name)), name + " is the same for seeds 7 and 8");
        }
        // the train and validation streams differ too
        assertFalse(java.util.Arrays.equals(a.get("train/000001.jpg"), a.get("val/000001.jpg")));
    }

    @Test
    void boxesAreInsideTheImageVisibleEnoughAndEveryClassAppears() throws Exception {
        CocoDataset ds = CocoDataset.load(val20.annotations(Split.VAL));
        assertEquals(20, ds.images().size());
        assertEquals(SynthClass.values().length, ds.categories().size());
        assertEquals(8, ds.categories().stream().map(CocoDataset.Category::name).distinct().count());
        Set<Integer> seen = new HashSet<>();
        for (CocoDataset.Annotation a : ds.annotations()) {
            String what = "annotation " + a.id() + " " + a;
            assertTrue(a.x() >= 0 && a.y() >= 0 && a.x() + a.w() <= 320 && a.y() + a.h() <= 320, what);
            assertTrue(a.w() >= 2 && a.h() >= 2, what);
            assertTrue(a.area() > 0 && a.area() <= a.w() * a.h(), what);
            assertFalse(a.iscrowd(), what);
            seen.add(a.categoryId());
        }
        assertEquals(new HashSet<>(ds.categoryIds()), seen, "every class has a box in 20 validation images");
        double perImage = (double) ds.annotations().size() / ds.images().size();
        assertTrue(perImage >= 3, "boxes per image " + perImage);
        JsonNode root = new ObjectMapper().readTree(val20.annotations(Split.VAL).toFile());
        for (JsonNode a : root.get("annotations")) {
            assertTrue(a.get("visible_fraction").asDouble() >= 0.4, a.toString());
        }
        SplitSummary s = val20.splits().get(0);
        assertEquals(ds.annotations().size(), s.boxes());
        assertTrue(s.hidden() > 0, "20 cluttered images hide some object");
    }

    @Test
    void objectLengthsSetTheSizeOfTheBoxes() {
        SynthConfig small = SynthConfig.builder().objectLengths(12, 16).noiseLevel(0).build();
        SynthConfig large = small.toBuilder().objectLengths(80, 100).build();
        int smallBoxes = 0;
        int largeBoxes = 0;
        for (int i = 0; i < 6; i++) {
            for (SynthBox b : SynthDataset.render(small, Split.VAL, i).boxes()) {
                assertTrue(Math.max(b.w(), b.h()) <= 16 * 1.5 + 2, b.toString()); // rotation widens the box
                smallBoxes++;
            }
            for (SynthBox b : SynthDataset.render(large, Split.VAL, i).boxes()) {
                // hidden parts and the image border shrink a box, never below 40% of the object
                assertTrue(Math.max(b.w(), b.h()) <= 100 * 1.5 + 2 && b.area() >= 0.4 * 0.3 * 80 * 80 * 0.25,
                        b.toString());
                largeBoxes++;
            }
        }
        assertTrue(smallBoxes > 10 && largeBoxes > 10, smallBoxes + " and " + largeBoxes + " boxes");
    }

    @Test
    void groundTruthAsDetectionsHasApOneWithTheProjectsEvaluator() {
        CocoDataset ds = CocoDataset.load(val20.annotations(Split.VAL));
        List<Detection> dets = ds.annotations().stream()
                .map(a -> new Detection(a.imageId(), a.categoryId(), a.x(), a.y(), a.w(), a.h(), 1.0)).toList();
        CocoMetrics m = new CocoEvaluator(ds).evaluate(dets);
        assertEquals(1.0, m.ap(), 1e-12);
        assertEquals(1.0, m.ap50(), 1e-12);
        // and a detector that misses every other box does worse
        CocoMetrics half = new CocoEvaluator(ds).evaluate(dets.subList(0, dets.size() / 2));
        assertTrue(half.ap() < 0.9, "AP of half the boxes " + half.ap());
    }

    @Test
    void imagesDecodeWithTheProjectsLoaderAtTheDeclaredSize() {
        CocoDataset ds = CocoDataset.load(val20.annotations(Split.VAL));
        for (CocoDataset.Image im : ds.images().subList(0, 3)) {
            ByteImage b = ImageLoader.load(val20.images(Split.VAL).resolve(im.fileName()), ChannelOrder.RGB);
            assertEquals(im.width(), b.width());
            assertEquals(im.height(), b.height());
        }
    }

    @Test
    void pngFilesHoldExactlyTheInMemoryRendering() throws Exception {
        SynthConfig config = SynthConfig.builder().seed(5).imageSize(96).trainImages(0).valImages(2)
                .format(ImageFormat.PNG).build();
        SynthResult r = SynthDataset.generate(config, tmp.resolve("png"));
        for (int i = 0; i < 2; i++) {
            BufferedImage file = ImageIO.read(r.images(Split.VAL).resolve(String.format("%06d.png", i + 1)).toFile());
            BufferedImage memory = SynthDataset.render(config, Split.VAL, i).image();
            for (int y = 0; y < 96; y++) {
                for (int x = 0; x < 96; x++) {
                    assertEquals(memory.getRGB(x, y), file.getRGB(x, y), "pixel " + x + "," + y + " of image " + i);
                }
            }
        }
    }
}
