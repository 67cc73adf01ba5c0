package dev.inlierq.synth;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a {@link Scene} into a {@link SynthImage}: background, objects bottom to top (antialiased), the labels
 * from {@link Visibility} (objects less than {@code minVisible} visible, or whose visible box is under 2 px on a
 * side, are left unlabelled), and last the degradations of {@link PixelEffects}.
 */
final class SceneRenderer {
    private SceneRenderer() {
    }

    static SynthImage render(Scene scene, SynthConfig config) {
        int size = scene.size();
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        BackgroundPainter.paint(g, image, scene.backgroundSeed());
        for (SceneObject o : scene.objects()) {
            ObjectPainter.paint(g, o);
        }
        g.dispose();
        List<SynthBox> boxes = new ArrayList<>();
        int hidden = 0;
        for (Visibility.Visible v : Visibility.of(scene)) {
            if (v.fraction() < config.minVisible() || v.w() < 2 || v.h() < 2) {
                hidden++;
                continue;
            }
            int category = scene.objects().get(v.objectIndex()).category();
            boxes.add(new SynthBox(config.classes().get(category), category + 1, v.x(), v.y(), v.w(), v.h(),
                    v.visiblePixels(), v.fraction()));
        }
        PixelEffects.apply(image, scene);
        return new SynthImage(image, boxes, hidden);
    }
}
