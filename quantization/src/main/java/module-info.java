/** MobileNet family builders, cost model and post-training quantization (quantization issue). */
module owlet.quantization {
    requires owlet.runtime;
}
