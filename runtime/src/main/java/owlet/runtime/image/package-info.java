/**
 * Image decoding and the reference preprocessing (central square crop, bilinear resize).
 *
 * <p>{@link owlet.runtime.image.Images} reads PPM/PGM, BMP and JPEG with java.base only; PNG, and JPEGs
 * that embed an ICC profile, go through {@code javax.imageio} when the {@code java.desktop} module is
 * present.
 * {@link owlet.runtime.image.Preprocess} reproduces the exact bytes of
 * {@code shared/reference/ppm/<S>/*.ppm}.
 */
package owlet.runtime.image;
