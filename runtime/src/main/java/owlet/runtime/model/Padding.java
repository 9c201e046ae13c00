package owlet.runtime.model;

/** TFLite Padding: SAME = 0, VALID = 1. */
public enum Padding {
    SAME,
    VALID
}
