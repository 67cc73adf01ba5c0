package dev.inlierq.detect.image;

/** Order of the three colour channels in a packed pixel, and in the network's input planes. */
public enum ChannelOrder {
    /** Red, green, blue (PIL, torchvision and PaddleDetection convention). */
    RGB,
    /** Blue, green, red (OpenCV's {@code cv2.imread} convention). */
    BGR
}
