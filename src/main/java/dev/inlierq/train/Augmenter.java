package dev.inlierq.train;

import dev.inlierq.detect.image.ByteImage;
import dev.inlierq.detect.image.ChannelOrder;
import dev.inlierq.detect.image.ImageLoader;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Applies an {@link Augmentation} to an RGB image and its boxes, drawing every choice from the caller's stream; a
 * flip also turns the boxes' headings ({@link TrainBox#flippedYaw}) and keeps their 3D boxes (a mirrored footprint
 * has the same length, width and heights). The augmentations are flips and photometric changes only: no rotation
 * or transposition, which would have to turn the headings otherwise.
 */
final class Augmenter {
    private static final float JPEG_QUALITY = 0.92f;
    private final Augmentation a;

    Augmenter(Augmentation a) {
        this.a = a;
    }

    /** An image and its boxes (in its pixels). */
    record Sample(ByteImage image, List<TrainBox> boxes) {
    }

    Sample apply(ByteImage image, List<TrainBox> boxes, SplittableRandom rng) {
        boolean h = a.flips() && rng.nextBoolean();
        boolean v = a.flips() && rng.nextBoolean();
        double shift = (rng.nextDouble() * 2 - 1) * a.brightness();
        double contrast = 1 + (rng.nextDouble() * 2 - 1) * a.contrast();
        double[] gain = new double[3];
        for (int c = 0; c < 3; c++) {
            gain[c] = 1 + (rng.nextDouble() * 2 - 1) * a.channelGain();
        }
        boolean jpeg = rng.nextDouble() < a.jpeg();
        ByteImage out = h || v ? flip(image, h, v) : image;
        if (a.brightness() > 0 || a.contrast() > 0 || a.channelGain() > 0) {
            out = colour(out, shift, contrast, gain);
        }
        if (jpeg) {
            out = jpegRoundTrip(out);
        }
        List<TrainBox> moved = new ArrayList<>(boxes.size());
        for (TrainBox b : boxes) {
            double x = h ? image.width() - b.x() - b.w() : b.x();
            double y = v ? image.height() - b.y() - b.h() : b.y();
            moved.add(new TrainBox(b.cls(), x, y, b.w(), b.h(), TrainBox.flippedYaw(b.yaw(), h, v), b.box3d()));
        }
        return new Sample(out, moved);
    }

    private static ByteImage flip(ByteImage im, boolean h, boolean v) {
        int w = im.width();
        int ht = im.height();
        byte[] src = im.pixels();
        byte[] dst = new byte[src.length];
        for (int y = 0; y < ht; y++) {
            int sy = v ? ht - 1 - y : y;
            for (int x = 0; x < w; x++) {
                int sx = h ? w - 1 - x : x;
                int s = (sy * w + sx) * 3;
                int d = (y * w + x) * 3;
                dst[d] = src[s];
                dst[d + 1] = src[s + 1];
                dst[d + 2] = src[s + 2];
            }
        }
        return new ByteImage(w, ht, im.order(), dst);
    }

    /** {@code v' = clamp(((v - 128) * contrast + 128 + shift) * gain[c])}, through one table per channel. */
    private static ByteImage colour(ByteImage im, double shift, double contrast, double[] gain) {
        byte[][] lut = new byte[3][256];
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                double o = ((v - 128) * contrast + 128 + shift) * gain[c];
                lut[c][v] = (byte) Math.max(0, Math.min(255, Math.round(o)));
            }
        }
        byte[] src = im.pixels();
        byte[] dst = new byte[src.length];
        for (int i = 0; i < src.length; i += 3) {
            dst[i] = lut[0][src[i] & 0xFF];
            dst[i + 1] = lut[1][src[i + 1] & 0xFF];
            dst[i + 2] = lut[2][src[i + 2] & 0xFF];
        }
        return new ByteImage(im.width(), im.height(), im.order(), dst);
    }

    /** Encodes as the benchmark's files are (the JDK's baseline JPEG writer, quality 0.92) and decodes again. */
    static ByteImage jpegRoundTrip(ByteImage im) {
        ByteImage bgr = im.inOrder(ChannelOrder.BGR);
        BufferedImage b = new BufferedImage(im.width(), im.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] data = ((DataBufferByte) b.getRaster().getDataBuffer()).getData();
        System.arraycopy(bgr.pixels(), 0, data, 0, data.length);
        ImageWriter writer = jdkJpegWriter();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(JPEG_QUALITY);
            writer.write(null, new IIOImage(b, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a training image", e);
        } finally {
            writer.dispose();
        }
        try {
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(bytes.toByteArray()));
            return ImageLoader.toByteImage(decoded, im.order());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot decode a training image", e);
        }
    }

    private static ImageWriter jdkJpegWriter() {
        ImageWriter chosen = null;
        for (Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("jpeg"); it.hasNext(); ) {
            ImageWriter w = it.next();
            if (chosen == null || w.getClass().getName().startsWith("com.sun.imageio.")) {
                chosen = w;
            }
        }
        if (chosen == null) {
            throw new IllegalStateException("no ImageIO JPEG writer");
        }
        return chosen;
    }
}
