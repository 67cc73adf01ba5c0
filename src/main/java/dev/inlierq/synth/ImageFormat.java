package dev.inlierq.synth;

/** How the images are written: JPEG (the default, quality 0.92) or lossless PNG. */
public enum ImageFormat {
    JPEG("jpg"),
    PNG("png");

    private final String extension;

    ImageFormat(String extension) {
        this.extension = extension;
    }

    /** The file name extension, without the dot ({@code jpg} or {@code png}). */
    public String extension() {
        return extension;
    }
}
