package dev.inlierq.detect;

import dev.inlierq.detect.image.ByteImage;
import dev.inlierq.detect.image.ImageLoader;
import dev.inlierq.detect.image.Resize;
import dev.inlierq.tensor.FloatTensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Turns image files into network inputs following an {@link InputSpec}: decode (in the spec's
 * channel order), fit to the input size ({@link ResizeMode}), paste on a canvas of the pad value,
 * then {@code (v * scale - mean[c]) / std[c]} into planar [1, 3, H, W] float. Thread-safe.
 */
public final class Preprocessor {
    private final InputSpec spec;
    /** lut[c][v]: the network value of 8-bit value v in channel c. */
    private final float[][] lut = new float[3][256];

    public Preprocessor(InputSpec spec) {
        this.spec = spec;
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                lut[c][v] = spec.normalize(c, v);
            }
        }
    }

    public InputSpec spec() {
        return spec;
    }

    /**
     * Where an image of {@code width x height} lands on the input canvas.
     *
     * @param resizedWidth width of the resized image
     * @param resizedHeight height of the resized image
     * @param offsetX column of the canvas where the resized image starts
     * @param offsetY row of the canvas where it starts
     * @param transform original pixels to input pixels
     */
    public record Placement(int resizedWidth, int resizedHeight, int offsetX, int offsetY, InputTransform transform) {
    }

    /** The placement of an image of {@code width x height} under this spec's resize mode. */
    public Placement placement(int width, int height) {
        int inW = spec.width();
        int inH = spec.height();
        if (spec.resize() == ResizeMode.STRETCH) {
            return new Placement(inW, inH, 0, 0,
                    new InputTransform((double) inW / width, (double) inH / height, 0, 0));
        }
        double r = Math.min((double) inH / height, (double) inW / width);
        int w = Math.max(1, (int) (width * r));
        int h = Math.max(1, (int) (height * r));
        boolean center = spec.resize() == ResizeMode.LETTERBOX_CENTER;
        int ox = center ? (inW - w) / 2 : 0;
        int oy = center ? (inH - h) / 2 : 0;
        return new Placement(w, h, ox, oy, new InputTransform(r, r, ox, oy));
    }

    /** Decodes {@code file} and prepares it; errors as {@link ImageLoader#load}. */
    public PreparedImage prepare(Path file) {
        return prepare(ImageLoader.load(file, spec.channelOrder()));
    }

    /** Prepares a decoded image (in any channel order). */
    public PreparedImage prepare(ByteImage image) {
        Placement p = placement(image.width(), image.height());
        return new PreparedImage(toTensor(canvas(image, p)), image.width(), image.height(), p.transform());
    }

    /** The 8-bit input canvas (resized and padded, in the spec's channel order), before normalisation. */
    public ByteImage canvas(ByteImage image) {
        return canvas(image, placement(image.width(), image.height()));
    }

    private ByteImage canvas(ByteImage image, Placement p) {
        ByteImage src = image.inOrder(spec.channelOrder());
        ByteImage resized = Resize.resize(src, p.resizedWidth(), p.resizedHeight(), spec.interpolation());
        if (p.resizedWidth() == spec.width() && p.resizedHeight() == spec.height()) {
            return resized;
        }
        byte[] canvas = new byte[spec.width() * spec.height() * 3];
        Arrays.fill(canvas, (byte) spec.padValue());
        int rowBytes = p.resizedWidth() * 3;
        for (int y = 0; y < p.resizedHeight(); y++) {
            System.arraycopy(resized.pixels(), y * rowBytes, canvas,
                    ((p.offsetY() + y) * spec.width() + p.offsetX()) * 3, rowBytes);
        }
        return new ByteImage(spec.width(), spec.height(), spec.channelOrder(), canvas);
    }

    private FloatTensor toTensor(ByteImage canvas) {
        int plane = canvas.width() * canvas.height();
        byte[] px = canvas.pixels();
        float[] out = new float[3 * plane];
        float[] l0 = lut[0];
        float[] l1 = lut[1];
        float[] l2 = lut[2];
        for (int i = 0, p = 0; i < plane; i++, p += 3) {
            out[i] = l0[px[p] & 0xFF];
            out[plane + i] = l1[px[p + 1] & 0xFF];
            out[2 * plane + i] = l2[px[p + 2] & 0xFF];
        }
        return new FloatTensor(new long[] {1, 3, canvas.height(), canvas.width()}, out);
    }

    /** The batch input [N, 3, H, W] of prepared images of one spec, in list order. */
    public static FloatTensor stack(List<PreparedImage> batch) {
        return FloatTensor.stack(batch.stream().map(PreparedImage::tensor).toList());
    }
}
