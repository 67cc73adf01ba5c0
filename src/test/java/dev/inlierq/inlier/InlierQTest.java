package dev.inlierq.inlier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.recon.TaskGradients;
import dev.inlierq.tensor.FloatTensor;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * InlierQ's split, objective weights and inlier-only values on data with a known answer: two samples of a
 * 2-channel 2x3 map whose saliency is bimodal (a bright object region and a dim background).
 */
class InlierQTest {
    /** Saliency of 2 x (2 x 3) volumes: volumes 0 and 4 salient (objects), the rest background. */
    static TaskGradients.Result gradients() {
        Random r = new Random(1);
        int n = 4000; // volumes: a 2 x 2000 "map" so the mixture has data to fit
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            boolean object = i % 5 == 0;
            s[i] = (float) Math.exp((object ? 0 : -6) + r.nextGaussian() * 0.5);
        }
        return new TaskGradients.Result(Map.of(), Map.of("t", s), Map.of("t", new long[] {2, 2000}));
    }

    @Test
    void theSalientFifthIsTheInlierSet() {
        Map<String, InlierQ.Split> splits = InlierQ.split(gradients(), InlierQ.Options.defaults());
        InlierQ.Split sp = splits.get("t");
        assertTrue(!sp.fit().fellBack(), sp.fit().toString());
        assertEquals(0.2, sp.fit().inlierFraction(), 0.01);
        assertEquals(sp.fit().inlierFraction(), sp.inlierFraction(), 1e-12);
        assertEquals(0, sp.zeroFraction());
        for (int i = 0; i < 4000; i++) {
            assertEquals(i % 5 == 0, sp.inlier(i), "volume " + i);
        }
        float[] hard = sp.multipliers(InlierQ.Weighting.HARD, 0.1);
        assertEquals(1f, hard[0]);
        assertEquals(0.1f, hard[1]);
        float[] soft = sp.multipliers(InlierQ.Weighting.SOFT, 0);
        assertArrayEquals(sp.posterior(), soft);
    }

    @Test
    void objectiveWeightsMultiplyTheFisherPerVolumeOverChannels() {
        Map<String, InlierQ.Split> splits = InlierQ.split(gradients(), InlierQ.Options.defaults());
        try (NDManager m = DjlRuntime.newManager()) {
            float[] f = new float[2 * 3 * 2000];
            java.util.Arrays.fill(f, 2f);
            Map<String, NDArray> fisher = new HashMap<>();
            fisher.put("t", DjlRuntime.create(m, f, new Shape(2, 3, 2000)));
            NDArray other = DjlRuntime.create(m, new float[] {1, 2}, new Shape(1, 2));
            fisher.put("u", other);
            Map<String, NDArray> w = InlierQ.objectiveWeights(fisher, splits, InlierQ.Options.defaults());
            assertSame(other, w.get("u"), "no split: the Fisher weights as they are");
            float[] v = w.get("t").toFloatArray();
            for (int n = 0; n < 2; n++) {
                for (int c = 0; c < 3; c++) {
                    for (int p = 0; p < 2000; p++) {
                        float want = (n * 2000 + p) % 5 == 0 ? 2f : 0f;
                        assertEquals(want, v[(n * 3 + c) * 2000 + p], "n" + n + " c" + c + " p" + p);
                    }
                }
            }
        }
    }

    @Test
    void inlierValuesKeepEveryChannelOfInlierVolumesOnly() {
        Map<String, InlierQ.Split> splits = InlierQ.split(gradients(), InlierQ.Options.defaults());
        // the second sample of the tensor, as a batch of one starting at sample 1
        float[] x = new float[3 * 2000];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        FloatTensor kept = InlierQ.inlierValues(splits, "t", new FloatTensor(new long[] {1, 3, 2000}, x), 1);
        assertEquals(400 * 3, kept.data().length);
        // volume p of sample 1 is global index 2000 + p; inliers where (2000 + p) % 5 == 0, i.e. p % 5 == 0
        assertEquals(0f, kept.data()[0]);
        assertEquals(2000f, kept.data()[1]);
        assertEquals(4000f, kept.data()[2]);
        assertEquals(5f, kept.data()[3]);
        FloatTensor all = new FloatTensor(new long[] {1, 3, 2000}, x);
        assertSame(all, InlierQ.inlierValues(splits, "other", all, 0), "a tensor without a split passes whole");
    }

    @Test
    void aFallenBackSplitKeepsEveryVolume() {
        float[] same = new float[100];
        java.util.Arrays.fill(same, 1e-3f);
        TaskGradients.Result g = new TaskGradients.Result(Map.of(), Map.of("t", same), Map.of("t", new long[] {1, 100}));
        InlierQ.Split sp = InlierQ.split(g, InlierQ.Options.defaults()).get("t");
        assertTrue(sp.fit().fellBack());
        for (int i = 0; i < 100; i++) {
            assertTrue(sp.inlier(i));
        }
        for (float m : sp.multipliers(InlierQ.Weighting.HARD, 0)) {
            assertEquals(1f, m);
        }
    }

    @Test
    void zeroSaliencyVolumesAreAnomaliesAndTheMixtureIsFittedToTheRest() {
        Random r = new Random(2);
        float[] s = new float[3000];
        for (int i = 0; i < s.length; i++) {
            // a third without any gradient; of the rest, every fifth salient
            s[i] = i % 3 == 0 ? 0f : (float) Math.exp((i % 5 == 0 ? 0 : -6) + r.nextGaussian() * 0.5);
        }
        InlierQ.Split sp = InlierQ.split("t", s, new long[] {1, 3000}, InlierQ.Options.defaults());
        assertTrue(!sp.fit().fellBack(), sp.fit().toString());
        assertEquals(2000, sp.fit().count(), "fitted to the non-zero volumes");
        assertEquals(1 / 3.0, sp.zeroFraction(), 1e-9);
        for (int i = 0; i < s.length; i++) {
            assertEquals(i % 3 != 0 && i % 5 == 0, sp.inlier(i), "volume " + i);
            if (i % 3 == 0) {
                assertEquals(0f, sp.posterior()[i]);
            }
        }
        assertEquals(400 / 3000.0, sp.inlierFraction(), 1e-9);
        // literally (docs/inlierq.md): the zeros are a point mass at log(eps), the lower component collapses on it
        InlierQ.Options literal = new InlierQ.Options(100, InlierMixture.Options.defaults(), InlierQ.Weighting.HARD, 0,
                true, false);
        InlierQ.Split lit = InlierQ.split("t", s, new long[] {1, 3000}, literal);
        assertTrue(lit.fit().fellBack(), lit.fit().toString());
        assertTrue(lit.allInliers());
    }

    @Test
    void zeroSaliencyVolumesStayAnomaliesWhenTheRestIsOnePopulation() {
        Random r = new Random(3);
        float[] s = new float[1000];
        for (int i = 0; i < s.length; i++) {
            s[i] = i < 400 ? 0f : (float) Math.exp(r.nextGaussian() * 0.5);
        }
        InlierQ.Split sp = InlierQ.split("t", s, new long[] {1, 1000}, InlierQ.Options.defaults());
        assertTrue(sp.fit().fellBack(), "one population among the non-zero volumes");
        assertTrue(!sp.allInliers());
        assertEquals(0.6, sp.inlierFraction(), 1e-9);
        float[] hard = sp.multipliers(InlierQ.Weighting.HARD, 0.25);
        assertEquals(0.25f, hard[0]);
        assertEquals(1f, hard[999]);
        // all zero: nothing to set aside, the literal fit (identical scores) keeps every volume
        InlierQ.Split none = InlierQ.split("t", new float[50], new long[] {1, 50}, InlierQ.Options.defaults());
        assertTrue(none.allInliers());
        assertEquals(1.0, none.inlierFraction());
    }
}
