package owlet.runtime.model;

/** TFLite ActivationFunctionType, in schema order (NONE = 0 ... SIGN_BIT = 5). */
public enum Activation {
    NONE,
    RELU,
    RELU_N1_TO_1,
    RELU6,
    TANH,
    SIGN_BIT
}
