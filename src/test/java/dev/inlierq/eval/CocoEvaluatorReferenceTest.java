package dev.inlierq.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inlierq.detect.Detection;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Compares {@link CocoEvaluator} with numbers printed by pycocotools 2.0.11's COCOeval on a synthetic
 * fixture built by {@code src/test/scripts/make_coco_fixture.py} (crowd boxes, every area range, an
 * {@code area} field different from w*h, empty images, duplicates, tied scores, more than 100
 * detections on an image, a category without ground truth, a detection of an unknown category).
 * The numbers must agree bit for bit.
 */
class CocoEvaluatorReferenceTest {

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(CocoEvaluatorReferenceTest.class.getResource(name).toURI());
    }

    private static JsonNode expected() throws IOException {
        try (InputStream in = CocoEvaluatorReferenceTest.class.getResourceAsStream("synthetic-expected.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).doubleValue();
        }
        return out;
    }

    private static Map<Integer, Double> perCategory(JsonNode node) {
        Map<Integer, Double> out = new TreeMap<>();
        node.fields().forEachRemaining(e -> out.put(Integer.parseInt(e.getKey()), e.getValue().doubleValue()));
        return out;
    }

    @Test
    void allImagesMatchPycocotoolsExactly() throws Exception {
        CocoDataset gt = CocoDataset.load(resource("synthetic-gt.json"));
        List<Detection> dets = CocoResults.read(resource("synthetic-dt.json"));
        JsonNode exp = expected().get("all");

        CocoMetrics m = new CocoEvaluator(gt).evaluate(dets);

        assertArrayEquals(doubles(exp.get("stats")), m.stats(), 0.0);
        assertEquals(perCategory(exp.get("perCategoryAp")), m.perCategoryAp());
        assertEquals(exp.get("summary").textValue(), m.summaryText());
    }

    @Test
    void imageSubsetMatchesPycocotoolsExactly() throws Exception {
        CocoDataset gt = CocoDataset.load(resource("synthetic-gt.json"));
        List<Detection> dets = CocoResults.read(resource("synthetic-dt.json"));
        JsonNode exp = expected().get("subset");
        List<Long> ids = new ArrayList<>();
        expected().get("subsetImageIds").forEach(n -> ids.add(n.longValue()));

        CocoMetrics m = new CocoEvaluator(gt).evaluate(dets, ids);

        assertArrayEquals(doubles(exp.get("stats")), m.stats(), 0.0);
        assertEquals(perCategory(exp.get("perCategoryAp")), m.perCategoryAp());
        assertEquals(exp.get("summary").textValue(), m.summaryText());
    }
}
