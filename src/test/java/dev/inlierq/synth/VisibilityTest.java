package dev.inlierq.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The visibility rule on hand-made scenes of axis-aligned squares: the box is that of the visible pixels, the area
 * their count, and an object less than 40% visible (covered by a later object, or outside the image) is not
 * labelled.
 */
class VisibilityTest {
    private static final SynthConfig CONFIG = SynthConfig.builder().imageSize(64).trainImages(0).valImages(1)
            .noiseLevel(0).build();

    private static SceneObject square(int category, double x, double y, double side) {
        Fill fill = new Fill(Fill.Style.SOLID, Color.RED, Color.BLUE, 0, 4, 1, 0);
        return new SceneObject(category, new Rectangle2D.Double(x, y, side, side), fill, x + side / 2, y + side / 2,
                side, 0);
    }

    private static SynthImage render(SceneObject... objects) {
        return SceneRenderer.render(new Scene(64, 1, List.of(objects), Scene.Lighting.NONE, 0, 0, 1), CONFIG);
    }

    @Test
    void anUncoveredObjectIsLabelledWithItsOwnBox() {
        SynthImage im = render(square(2, 10, 12, 20));
        assertEquals(List.of(new SynthBox(SynthClass.TRIANGLE, 3, 10, 12, 20, 20, 400, 1.0)), im.boxes());
        assertEquals(0, im.hidden());
    }

    @Test
    void aCoveredObjectKeepsTheBoxOfItsVisiblePart() {
        // a distractor covers the right 40% of the square: 60% visible, kept with the left part's box
        SynthImage im = render(square(0, 10, 10, 20), square(-1, 22, 10, 20));
        assertEquals(List.of(new SynthBox(SynthClass.CIRCLE, 1, 10, 10, 12, 20, 240, 0.6)), im.boxes());
    }

    @Test
    void anObjectMoreThanSixtyPercentCoveredIsNotLabelled() {
        // 70% covered by a later labelled object, which is itself labelled whole
        SynthImage im = render(square(0, 10, 10, 20), square(1, 16, 10, 20));
        assertEquals(List.of(new SynthBox(SynthClass.RING, 2, 16, 10, 20, 20, 400, 1.0)), im.boxes());
        assertEquals(1, im.hidden());
    }

    @Test
    void anObjectBelowTheOthersIsOnlyCoveredByWhatIsDrawnLater() {
        // the distractor is drawn first: the square over it is whole
        SynthImage im = render(square(-1, 16, 10, 20), square(0, 10, 10, 20));
        assertEquals(1, im.boxes().size());
        assertEquals(400, im.boxes().get(0).area());
    }

    @Test
    void truncationAtTheBorderCountsAsHidden() {
        SynthImage kept = render(square(0, -5, 30, 20));
        assertEquals(List.of(new SynthBox(SynthClass.CIRCLE, 1, 0, 30, 15, 20, 300, 0.75)), kept.boxes());
        SynthImage dropped = render(square(0, 58, 30, 20));
        assertEquals(List.of(), dropped.boxes(), "14 of 20 columns are outside");
        assertEquals(1, dropped.hidden());
    }

    @Test
    void aRingIsVisibleThroughItsHoleOnlyAsARing() {
        // a ring 40 px wide drawn over a square that fills its hole: the square shows through the hole
        SceneObject ring = new SceneObject(1, new java.awt.geom.Path2D.Double(Shapes.ring(40, 40, 0.5),
                java.awt.geom.AffineTransform.getTranslateInstance(32, 32)),
                new Fill(Fill.Style.SOLID, Color.GREEN, Color.BLUE, 0, 4, 1, 0), 32, 32, 40, 0);
        SynthImage im = render(square(0, 26, 26, 12), ring);
        assertEquals(2, im.boxes().size());
        SynthBox inner = im.boxes().get(0);
        assertEquals(SynthClass.CIRCLE, inner.cls());
        assertEquals(1.0, inner.visibleFraction(), 1e-12, "the hole, 20 px across, leaves the 12 px square visible");
        assertEquals(12 * 12, inner.area());
    }
}
